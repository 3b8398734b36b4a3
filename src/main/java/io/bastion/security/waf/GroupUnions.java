package io.bastion.security.waf;

import java.util.Arrays;

/**
 * Per target group ({@link io.bastion.security.waf.variables.TargetList#groupId}), what every value it collects holds,
 * as {@link io.bastion.security.waf.transformations.ByteSet} words plus a fifth word counting its values (-1: a long
 * scalar, see {@code Transaction#groupBytes}): worked out at most once per phase, for every rule reading the group.
 * One per thread ({@link RuleSet#groupUnions()}), valid within one phase: a phase runs start to end on its thread
 * without another transaction's phase in between, and each phase starts a new {@link #startPhase stamp}. Kept per
 * thread rather than made per transaction: the arrays (five words per group of every rule set loaded, ~4.6 KB for the
 * CRS) were a tenth of what the engine allocated for a read, and each new array is cache lines written per request.
 */
final class GroupUnions {

  private long[] words = new long[0];
  /** Per group, the phase stamp its words were worked out in. */
  private int[] stamps = new int[0];
  private int stamp;

  /** A new phase: every union worked out before is stale. */
  void startPhase() {
    if (++stamp == Integer.MAX_VALUE) {
      Arrays.fill(stamps, 0);
      stamp = 1;
    }
  }

  /** Whether group {@code g}'s words were worked out in this phase; makes room for it when there is none. */
  boolean known(int g, int groupCount) {
    if (g >= stamps.length) {
      int n = Math.max(g + 1, groupCount);
      stamps = Arrays.copyOf(stamps, n);
      words = Arrays.copyOf(words, n * 5);
    }
    return stamps[g] == stamp;
  }

  /** Keeps group {@code g}'s union ({@code bytes}, four words) and value count for the rest of this phase. */
  void keep(int g, long[] bytes, long values) {
    System.arraycopy(bytes, 0, words, g * 5, 4);
    words[g * 5 + 4] = values;
    stamps[g] = stamp;
  }

  /** The words, group {@code g}'s five at {@code g * 5} (valid after {@link #known}). */
  long[] words() {
    return words;
  }
}
