package io.bastion.security.waf.variables;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A request collection such as ARGS or REQUEST_HEADERS: ordered (key, value) pairs, keys compared without
 * regard to case, duplicates kept. Mutable only while the transaction fills it.
 */
public final class KeyedValues {

  /** One member; {@code lowerKey} is precomputed because selectors compare case-insensitively. */
  public record Entry(String key, String lowerKey, String value) {
  }

  private final List<Entry> entries = new ArrayList<>();

  public void add(String key, String value) {
    entries.add(new Entry(key, key.toLowerCase(Locale.ROOT), value));
  }

  /** Replaces every member with that key by one (TX semantics). */
  public void set(String key, String value) {
    remove(key);
    add(key, value);
  }

  public void remove(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    entries.removeIf(e -> e.lowerKey().equals(lower));
  }

  /** The first value for the key, or null. */
  public String get(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    for (Entry e : entries) {
      if (e.lowerKey().equals(lower)) {
        return e.value();
      }
    }
    return null;
  }

  public List<Entry> entries() {
    return entries;
  }

  public int size() {
    return entries.size();
  }

  public void clear() {
    entries.clear();
  }
}
