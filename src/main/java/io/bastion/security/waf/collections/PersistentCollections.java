package io.bastion.security.waf.collections;

import io.bastion.security.waf.operators.NumericCompare;
import io.bastion.security.waf.variables.KeyedValues;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The IP and GLOBAL collections that outlive a transaction ({@code initcol:ip=%{REMOTE_ADDR}},
 * {@code initcol:global=global}): one store per node, shared by every gateway instance and kept across
 * rule reloads. Thread-safe; bounded to {@code maxRecords} records (expired records go first, then the
 * least recently updated); a record expires {@code SecCollectionTimeout} seconds after its last update and
 * a variable at its {@code expirevar} deadline.
 *
 * <p>Transactions read a copy at initcol and write back the difference once done ({@link #commit}): a
 * numeric variable the transaction changed is merged as a delta ({@code setvar:ip.hits=+1} from two
 * concurrent requests counts two, as ModSecurity does), anything else is set or deleted.
 */
public final class PersistentCollections {

  /** ModSecurity's default SecCollectionTimeout. */
  public static final long DEFAULT_TIMEOUT_SECONDS = 3600;

  private final int maxRecords;
  private final LongSupplier clock;
  private final Map<String, StoredRecord> records = new ConcurrentHashMap<>();

  public PersistentCollections(int maxRecords, LongSupplier clockMillis) {
    if (maxRecords < 1) {
      throw new IllegalArgumentException("maxRecords must be positive");
    }
    this.maxRecords = maxRecords;
    this.clock = clockMillis;
  }

  /** Whether the collection name is one this store keeps (ip, global). */
  public static boolean persistent(String collection) {
    return "ip".equals(collection) || "global".equals(collection);
  }

  /** The live variables of a record (lower-case names), a copy; empty when it does not exist or expired. */
  public Map<String, String> load(String collection, String key) {
    StoredRecord r = records.get(id(collection, key));
    long now = clock.getAsLong();
    if (r == null) {
      return Map.of();
    }
    synchronized (r) {
      if (r.expired(now)) {
        records.remove(id(collection, key), r);
        return Map.of();
      }
      return r.snapshot(now);
    }
  }

  /**
   * Writes back what a transaction changed in a record it loaded.
   *
   * @param before         the values {@link #load} returned to the transaction
   * @param after          the transaction's collection at its end
   * @param expiries       {@code expirevar} seconds per lower-case variable name
   * @param timeoutSeconds the rule set's SecCollectionTimeout
   */
  public void commit(String collection, String key, Map<String, String> before, KeyedValues after,
      Map<String, Long> expiries, long timeoutSeconds) {
    long now = clock.getAsLong();
    String id = id(collection, key);
    Map<String, String> changed = new HashMap<>();
    for (KeyedValues.Entry e : after.entries()) {
      changed.put(e.lowerKey(), e.value());
    }
    if (expiries.isEmpty() && changed.equals(before)) {
      return; // nothing to write: the common case (the CRS initcols every request) takes no lock
    }
    while (true) {
      StoredRecord r = records.computeIfAbsent(id, k -> new StoredRecord(now));
      synchronized (r) {
        if (r.removed) {
          continue; // evicted between lookup and lock: take the new one
        }
        if (r.expired(now)) {
          r.values.clear();
        }
        for (Map.Entry<String, String> e : changed.entrySet()) {
          String old = before.get(e.getKey());
          if (e.getValue().equals(old)) {
            continue;
          }
          StoredRecord.Value current = r.values.get(e.getKey());
          if (numeric(e.getValue()) && (old == null || numeric(old)) && current != null && numeric(current.value())) {
            long delta = NumericCompare.parse(e.getValue()) - (old == null ? 0 : NumericCompare.parse(old));
            r.put(e.getKey(), Long.toString(NumericCompare.parse(current.value()) + delta));
          } else {
            r.put(e.getKey(), e.getValue());
          }
        }
        for (String name : before.keySet()) {
          if (!changed.containsKey(name)) {
            r.values.remove(name);
          }
        }
        expiries.forEach((name, seconds) -> r.expire(name, now + seconds * 1000));
        r.updated(now, timeoutSeconds * 1000);
        break;
      }
    }
    if (records.size() > maxRecords) {
      evict(now);
    }
  }

  /** Records held now (expired ones included until they are next touched or evicted). */
  public int size() {
    return records.size();
  }

  public int maxRecords() {
    return maxRecords;
  }

  /** Drops expired records, then the least recently updated, down to 90% of the bound. */
  private synchronized void evict(long now) {
    if (records.size() <= maxRecords) {
      return;
    }
    List<Map.Entry<String, StoredRecord>> live = new ArrayList<>();
    for (Map.Entry<String, StoredRecord> e : records.entrySet()) {
      if (e.getValue().expired(now)) {
        remove(e.getKey(), e.getValue());
      } else {
        live.add(e);
      }
    }
    int target = Math.max(1, maxRecords * 9 / 10);
    if (records.size() <= maxRecords) {
      return;
    }
    live.sort(Comparator.comparingLong(e -> e.getValue().updatedAt));
    for (int i = 0; i < live.size() && records.size() > target; i++) {
      remove(live.get(i).getKey(), live.get(i).getValue());
    }
  }

  private void remove(String id, StoredRecord r) {
    synchronized (r) {
      if (records.remove(id, r)) {
        r.removed = true;
      }
    }
  }

  private static boolean numeric(String s) {
    if (s == null || s.isEmpty() || s.length() > 18) {
      return false;
    }
    int start = s.charAt(0) == '-' ? 1 : 0;
    if (start == s.length()) {
      return false;
    }
    for (int i = start; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static String id(String collection, String key) {
    return collection.toLowerCase(Locale.ROOT) + '\u0000' + key;
  }
}
