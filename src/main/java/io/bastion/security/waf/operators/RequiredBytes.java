package io.bastion.security.waf.operators;

import io.bastion.security.waf.transformations.ByteSet;

/**
 * Bytes a value must hold for a {@link LiteralCondition} to possibly hold ({@link LiteralCondition#requiredBytes}):
 * a value holding a literal holds every byte of it, so one byte per literal is required, and the one least common
 * in FHIR traffic is taken, so that most values hold none of a rule's bytes. Letters count in both cases, since
 * literals are found without regard to ASCII case. Only the choice depends on the figures below, never the
 * soundness: any byte of a required literal is required.
 */
final class RequiredBytes {

  /**
   * Bytes of the values and names of {@code BuiltinRulesCorpusTest}'s FHIR benign traffic (77,000 values), from
   * the most to the least common, with the share of values holding each (per mille, letters of both cases
   * together; measured once, 2026-12-05). "j", "s", "o" and "n" are in every JSON argument name ("json.").
   * Bytes not listed are in fewer than 1 value in 1,000.
   */
  private static final String BYTES = "teonsaircp.djlu0ghfmy-bv/1x 324z:86597qwk=;,+)(\"&#][><_*?%";
  private static final int[] PER_MILLE = {770, 722, 679, 667, 639, 594, 567, 498, 497, 410, 405, 382, 357, 349,
    327, 316, 289, 280, 270, 250, 236, 234, 205, 195, 166, 160, 144, 124, 117, 115, 113, 112, 108, 99, 99, 98, 96, 94,
    80, 67, 53, 42, 37, 36, 31, 19, 19, 15, 14, 13, 12, 12, 12, 12, 10, 6, 4, 3};
  private static final int[] COMMONNESS = commonness();

  private RequiredBytes() {
  }

  private static int[] commonness() {
    if (BYTES.length() != PER_MILLE.length) {
      throw new IllegalStateException("byte table out of step: " + BYTES.length() + " bytes, " + PER_MILLE.length);
    }
    int[] out = new int[256];
    for (int i = 0; i < BYTES.length(); i++) {
      char c = BYTES.charAt(i);
      out[c] = PER_MILLE[i];
      if (c >= 'a' && c <= 'z') {
        out[c - 32] = PER_MILLE[i];
      }
    }
    return out;
  }

  /** The literal's least common byte (both cases for a letter), or {@link ByteSet#ALL} when it has none. */
  static ByteSet rarestOf(String literal) {
    int best = -1;
    for (int i = 0; i < literal.length(); i++) {
      char c = literal.charAt(i);
      if (c <= 255 && (best < 0 || COMMONNESS[c] < COMMONNESS[best])) {
        best = c;
      }
    }
    return best < 0 ? ByteSet.ALL : ByteSet.NONE.with(best).withBothCases();
  }

  /**
   * Bytes a value holding one of the literals must hold one of: the rarer of each literal's rarest byte
   * ({@link #rarestOf}) and {@link #coverOf}'s set.
   */
  static ByteSet anyOf(java.util.Collection<String> literals) {
    return anyOf(literals, java.util.function.UnaryOperator.identity());
  }

  /**
   * As {@link #anyOf(java.util.Collection)}, for values that reach the literals through a transformation chain:
   * each byte costs what {@code inputsFor} makes of it (the bytes a value needs for the form to hold it). Returns the
   * bytes the form needs; widen them with {@code inputsFor} for the value.
   */
  static ByteSet anyOf(java.util.Collection<String> literals, java.util.function.UnaryOperator<ByteSet> inputsFor) {
    ByteSet each = ByteSet.NONE;
    for (String l : literals) {
      each = each.union(rarestOf(l));
    }
    if (literals.size() < 2 || each.isAll()) {
      return each;
    }
    int[] cost = new int[256];
    for (int c = 0; c < 256; c++) {
      cost[c] = commonness(inputsFor.apply(ByteSet.NONE.with(c).withBothCases()));
    }
    ByteSet cover = coverOf(literals, cost);
    return commonness(inputsFor.apply(cover)) < commonness(inputsFor.apply(each)) ? cover : each;
  }

  /**
   * Bytes a value holding any of the phrases must hold one of: one byte of each phrase (both cases for a letter),
   * chosen together, greedily, so the set is rarely met (a byte shared by many phrases, such as the '/' of most
   * file paths, stands for all of them). {@link ByteSet#ALL} when a phrase has no byte below 256. Sound whatever
   * the choice: each phrase keeps one of its own bytes in the set.
   */
  static ByteSet coverOf(java.util.Collection<String> phrases) {
    int[] cost = new int[256];
    for (int c = 0; c < 256; c++) {
      cost[c] = COMMONNESS[c];
    }
    return coverOf(phrases, cost);
  }

  /** {@link #coverOf(java.util.Collection)} with each byte's cost given (per mille of values, as {@link #commonness}). */
  private static ByteSet coverOf(java.util.Collection<String> phrases, int[] cost) {
    java.util.List<ByteSet> left = new java.util.ArrayList<>();
    for (String p : phrases) {
      ByteSet own = ByteSet.NONE;
      for (int i = 0; i < p.length(); i++) {
        char c = p.charAt(i);
        if (c <= 255) {
          own = own.with(c).withBothCases();
        }
      }
      if (own.equals(ByteSet.NONE)) {
        return ByteSet.ALL;
      }
      left.add(own);
    }
    ByteSet chosen = ByteSet.NONE;
    while (!left.isEmpty()) {
      int best = -1;
      double bestScore = -1;
      for (int c = 0; c < 256; c++) {
        if (c >= 'A' && c <= 'Z') {
          continue; // a letter is chosen in both cases, as its lower case
        }
        int covered = 0;
        for (ByteSet own : left) {
          if (own.contains(c)) {
            covered++;
          }
        }
        double score = covered / (cost[c] + 1.0);
        if (covered > 0 && score > bestScore) {
          best = c;
          bestScore = score;
        }
      }
      int picked = best;
      chosen = chosen.union(ByteSet.NONE.with(picked).withBothCases());
      left.removeIf(own -> own.contains(picked));
    }
    return chosen;
  }

  /** How many values in 1,000 hold one of the bytes, roughly (the sum, a letter counted once for both cases). */
  static int commonness(ByteSet bytes) {
    int sum = 0;
    for (int c = 0; c < 256; c++) {
      if (bytes.contains(c) && !(c >= 'A' && c <= 'Z' && bytes.contains(c + 32))) {
        sum += COMMONNESS[c] + 1; // + 1: of two sets of unlisted bytes, the smaller
      }
    }
    return sum;
  }
}
