package io.bastion.security.waf.variables;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A request collection such as ARGS or REQUEST_HEADERS: ordered (key, value) pairs, keys compared without
 * regard to case, duplicates kept. Mutable only while the transaction fills it.
 */
public final class KeyedValues {

  /** One member; {@code lowerKey} is precomputed because selectors compare case-insensitively. */
  public record Entry(String key, String lowerKey, String value) {
  }

  private static final Entry[] NONE = new Entry[0];

  private final List<Entry> entries = new ArrayList<>();
  /**
   * The members of each lower-cased key, in order. An exact-key selector ({@code TX:detection_paranoia_level},
   * read by some 70 CRS rules per request), a macro and a setvar find their members here instead of walking
   * the whole collection. Built on the first lookup by key, then kept up to date: the ~125 arguments of a JSON
   * body are usually only ever walked, and hashing each new path into an index was 5% of a FHIR create's WAF time.
   */
  private Map<String, Entry[]> byKey;
  /** Bumped by every change, so a transaction can keep what it selected from the collection until it changes. */
  private int version;

  /** Adds a member; returns it, so that a caller filling two collections with it (ARGS_POST, ARGS) makes it once. */
  public Entry add(String key, String value) {
    Entry e = new Entry(key, key.toLowerCase(Locale.ROOT), value);
    append(e);
    return e;
  }

  /** Adds a member made by {@link #add(String, String)} of another collection. */
  public void add(Entry e) {
    append(e);
  }

  private void append(Entry e) {
    version++;
    entries.add(e);
    if (byKey != null) {
      index(e);
    }
  }

  private Map<String, Entry[]> byKey() {
    if (byKey == null) {
      byKey = new HashMap<>();
      for (int i = 0, n = entries.size(); i < n; i++) {
        index(entries.get(i));
      }
    }
    return byKey;
  }

  private void index(Entry e) {
    Entry[] same = byKey.get(e.lowerKey());
    if (same == null) {
      byKey.put(e.lowerKey(), new Entry[] {e});
    } else {
      Entry[] grown = Arrays.copyOf(same, same.length + 1);
      grown[same.length] = e;
      byKey.put(e.lowerKey(), grown);
    }
  }

  /** Replaces every member with that key by one, appended last (TX semantics). */
  public void set(String key, String value) {
    String lower = key.toLowerCase(Locale.ROOT);
    removeLower(lower);
    append(new Entry(key, lower, value));
  }

  /**
   * Replaces every member with {@code e}'s key by {@code e}, appended last: {@link #set} with a member made before
   * (members are immutable, so one may be shared by many collections).
   */
  public void put(Entry e) {
    removeLower(e.lowerKey());
    append(e);
  }

  public void remove(String key) {
    removeLower(key.toLowerCase(Locale.ROOT));
  }

  /**
   * Indexed rather than removeIf: TX updates run for most rules that match, so no lambda or iterator. From the
   * end, and only until every member with the key is gone: a TX variable set again (TX:0 by every capture) is
   * usually among the last.
   */
  private void removeLower(String lower) {
    Entry[] same = byKey().remove(lower);
    if (same == null) {
      return;
    }
    version++;
    int left = same.length;
    for (int i = entries.size() - 1; i >= 0 && left > 0; i--) {
      if (entries.get(i).lowerKey().equals(lower)) {
        entries.remove(i);
        left--;
      }
    }
  }

  /** The first value for the key, or null. */
  public String get(String key) {
    Entry[] same = byKey().get(key.toLowerCase(Locale.ROOT));
    return same == null ? null : same[0].value();
  }

  /** The members with that lower-cased key, in order (shared: do not modify); empty when there is none. */
  public Entry[] withKey(String lowerKey) {
    Entry[] same = byKey().get(lowerKey);
    return same == null ? NONE : same;
  }

  /** Every member, in order (read-only: change the collection through its methods). */
  public List<Entry> entries() {
    return entries;
  }

  public int size() {
    return entries.size();
  }

  /** Changes with every change to the collection. */
  public int version() {
    return version;
  }

  public void clear() {
    version++;
    entries.clear();
    byKey = null;
  }
}
