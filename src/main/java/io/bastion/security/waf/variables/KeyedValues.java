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

  /** Replaces every member with that key by one, appended last (TX semantics). */
  public void set(String key, String value) {
    String lower = key.toLowerCase(Locale.ROOT);
    removeLower(lower);
    entries.add(new Entry(key, lower, value));
  }

  public void remove(String key) {
    removeLower(key.toLowerCase(Locale.ROOT));
  }

  /** Indexed rather than removeIf: TX updates run for most rules that match, so no lambda or iterator. */
  private void removeLower(String lower) {
    for (int i = entries.size() - 1; i >= 0; i--) {
      if (entries.get(i).lowerKey().equals(lower)) {
        entries.remove(i);
      }
    }
  }

  /** The first value for the key, or null. */
  public String get(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    for (int i = 0, n = entries.size(); i < n; i++) {
      Entry e = entries.get(i);
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
