package io.bastion.security.waf;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Dense ids for rule tags, so that "does this rule carry the tag" — asked of every later rule of a request once
 * a {@code ctl:ruleRemoveTargetByTag} ran (the CRS's 941010 does on most requests) — is a bit test instead of a
 * set lookup. Ids live as long as the JVM: tags come from rule files, so there are few of them.
 */
final class TagIds {

  private static final Map<String, Integer> IDS = new ConcurrentHashMap<>();

  private TagIds() {
  }

  /** The tag's id, assigned on first use. */
  static int of(String tag) {
    Integer id = IDS.get(tag);
    if (id != null) {
      return id;
    }
    synchronized (IDS) {
      return IDS.computeIfAbsent(tag, t -> IDS.size());
    }
  }

  /** The tag's id, or -1 when no rule ever carried it. */
  static int find(String tag) {
    Integer id = IDS.get(tag);
    return id == null ? -1 : id;
  }

  /** A bitmap of the tags' ids. */
  static long[] bits(Iterable<String> tags) {
    long[] bits = new long[0];
    for (String tag : tags) {
      int id = of(tag);
      if ((id >> 6) >= bits.length) {
        bits = java.util.Arrays.copyOf(bits, (id >> 6) + 1);
      }
      bits[id >> 6] |= 1L << id;
    }
    return bits;
  }

  /** Whether the bitmap holds the id ({@code -1}: never). */
  static boolean has(long[] bits, int id) {
    return id >= 0 && (id >> 6) < bits.length && (bits[id >> 6] & (1L << id)) != 0;
  }
}
