package io.bastion.security.waf.collections;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/** One record of a persistent collection (e.g. the IP collection of 10.0.0.1). Guarded by its own monitor. */
final class StoredRecord {

  /** A variable's value and the epoch millisecond it expires at (0: with the record). */
  record Value(String value, long expiresAt) {
  }

  final Map<String, Value> values = new HashMap<>();
  long updatedAt;
  long expiresAt;
  boolean removed;

  StoredRecord(long now) {
    this.updatedAt = now;
    this.expiresAt = Long.MAX_VALUE;
  }

  boolean expired(long now) {
    return now >= expiresAt;
  }

  void put(String name, String value) {
    Value old = values.get(name);
    values.put(name, new Value(value, old == null ? 0 : old.expiresAt()));
  }

  void expire(String name, long at) {
    Value v = values.get(name);
    if (v != null) {
      values.put(name, new Value(v.value(), at));
    }
  }

  void updated(long now, long timeoutMillis) {
    updatedAt = now;
    expiresAt = now + timeoutMillis;
  }

  Map<String, String> snapshot(long now) {
    Map<String, String> out = new HashMap<>();
    for (Iterator<Map.Entry<String, Value>> it = values.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Value> e = it.next();
      if (e.getValue().expiresAt() != 0 && now >= e.getValue().expiresAt()) {
        it.remove();
      } else {
        out.put(e.getKey(), e.getValue().value());
      }
    }
    return out;
  }
}
