package io.bastion.security.waf.operators;

import io.bastion.security.waf.transformations.ByteSet;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the literals of a value must satisfy for a regex to possibly match it: an and/or tree over
 * literals (lower case, found without regard to ASCII case), derived by {@link RequiredLiterals}. A
 * sequence requires something from each of its parts ({@code %[\w.-]+;\s*\]} needs "%" and ";" and "]"),
 * an alternation from one of its branches, so a value holding one common character no longer passes for
 * a whole rule. Immutable; {@link #bind} turns it into literal ids of a {@link LiteralIndex}.
 */
final class LiteralCondition {

  private enum Kind { LITERAL, ALL, ANY }

  private final Kind kind;
  private final String literal;
  private final LiteralCondition[] parts;
  /** The literal's id once bound (LITERAL only), else -1. */
  private final int id;
  /**
   * Once bound, for ANY: its literal parts' ids as a bitmap ({@code anyBits[k]} is word {@code anyWords[k]}), tested
   * in a few word operations instead of one call per literal (the CRS's command lists put hundreds of literals
   * in one alternation); {@link #rest} holds its other parts. Null when not bound or not ANY.
   */
  private final int[] anyWords;
  private final long[] anyBits;
  private final LiteralCondition[] rest;

  private LiteralCondition(Kind kind, String literal, LiteralCondition[] parts, int id) {
    this.kind = kind;
    this.literal = literal;
    this.parts = parts;
    this.id = id;
    if (kind == Kind.ANY && literalPartsBound(parts)) {
      java.util.BitSet bits = new java.util.BitSet();
      List<LiteralCondition> others = new ArrayList<>();
      for (LiteralCondition p : parts) {
        if (p.kind == Kind.LITERAL) {
          bits.set(p.id);
        } else {
          others.add(p);
        }
      }
      long[] words = bits.toLongArray();
      this.anyWords = java.util.stream.IntStream.range(0, words.length).filter(w -> words[w] != 0).toArray();
      this.anyBits = java.util.Arrays.stream(anyWords).mapToLong(w -> words[w]).toArray();
      this.rest = others.toArray(new LiteralCondition[0]);
    } else {
      this.anyWords = null;
      this.anyBits = null;
      this.rest = null;
    }
  }

  /** Whether some parts are literals and each has an id: {@link #bind} made them, or the ANY has no mask. */
  private static boolean literalPartsBound(LiteralCondition[] parts) {
    boolean any = false;
    for (LiteralCondition p : parts) {
      if (p.kind == Kind.LITERAL) {
        if (p.id < 0) {
          return false;
        }
        any = true;
      }
    }
    return any;
  }

  static LiteralCondition anyOf(Set<String> literals) {
    List<LiteralCondition> parts = new ArrayList<>();
    for (String l : literals) {
      parts.add(new LiteralCondition(Kind.LITERAL, l, null, -1));
    }
    return parts.size() == 1 ? parts.get(0) : new LiteralCondition(Kind.ANY, null, parts.toArray(new LiteralCondition[0]), -1);
  }

  /** Every part must hold; null when the list is empty (no requirement). */
  static LiteralCondition all(List<LiteralCondition> parts) {
    return combine(Kind.ALL, parts);
  }

  /** One part must hold; callers pass null-free lists (a branch without requirement makes the whole free). */
  static LiteralCondition any(List<LiteralCondition> parts) {
    return combine(Kind.ANY, parts);
  }

  private static LiteralCondition combine(Kind kind, List<LiteralCondition> parts) {
    List<LiteralCondition> flat = new ArrayList<>();
    for (LiteralCondition p : parts) {
      if (p.kind == kind) {
        flat.addAll(List.of(p.parts));
      } else {
        flat.add(p);
      }
    }
    if (flat.isEmpty()) {
      return null;
    }
    return flat.size() == 1 ? flat.get(0) : new LiteralCondition(kind, null, flat.toArray(new LiteralCondition[0]), -1);
  }

  /** The distinct literals, in first-seen order. */
  List<String> literals() {
    Set<String> out = new LinkedHashSet<>();
    collect(out);
    return List.copyOf(out);
  }

  private void collect(Set<String> out) {
    if (kind == Kind.LITERAL) {
      out.add(literal);
    } else {
      for (LiteralCondition p : parts) {
        p.collect(out);
      }
    }
  }

  /** How many literal leaves the tree has (a bound on evaluation cost). */
  int leaves() {
    if (kind == Kind.LITERAL) {
      return 1;
    }
    int n = 0;
    for (LiteralCondition p : parts) {
      n += p.leaves();
    }
    return n;
  }

  /** True for a plain alternation of literals: then any one present literal satisfies it. */
  boolean isSingleClause() {
    if (kind == Kind.LITERAL) {
      return true;
    }
    if (kind == Kind.ALL) {
      return false;
    }
    for (LiteralCondition p : parts) {
      if (p.kind != Kind.LITERAL) {
        return false;
      }
    }
    return true;
  }

  /**
   * A set one of whose literals every satisfying value contains (the condition weakened to one clause), for
   * callers that can only check "any of": for ALL the best part's clause, for ANY the union of its parts'.
   */
  Set<String> oneClause() {
    switch (kind) {
      case LITERAL -> {
        return Set.of(literal);
      }
      case ANY -> {
        Set<String> out = new LinkedHashSet<>();
        for (LiteralCondition p : parts) {
          out.addAll(p.oneClause());
        }
        return out;
      }
      default -> {
        Set<String> best = null;
        for (LiteralCondition p : parts) {
          best = RequiredLiterals.better(best, p.oneClause());
        }
        return best;
      }
    }
  }

  /**
   * Bytes every satisfying value holds one of ({@link RequiredBytes}), or {@link ByteSet#ALL}: a literal's rarest
   * byte, the union over an alternation's branches, and for a sequence the rarest of its parts' sets.
   */
  ByteSet requiredBytes() {
    switch (kind) {
      case LITERAL -> {
        return RequiredBytes.rarestOf(literal);
      }
      case ANY -> {
        // the literal branches together (RequiredBytes.anyOf: one byte they share can stand for many)
        List<String> literals = new ArrayList<>();
        ByteSet out = ByteSet.NONE;
        for (LiteralCondition p : parts) {
          if (p.kind == Kind.LITERAL) {
            literals.add(p.literal);
          } else {
            out = out.union(p.requiredBytes());
          }
        }
        return out.union(RequiredBytes.anyOf(literals));
      }
      default -> {
        ByteSet best = ByteSet.ALL;
        int bestCommonness = Integer.MAX_VALUE;
        for (LiteralCondition p : parts) {
          ByteSet bytes = p.requiredBytes();
          int commonness = RequiredBytes.commonness(bytes);
          if (commonness < bestCommonness) {
            best = bytes;
            bestCommonness = commonness;
          }
        }
        return best;
      }
    }
  }

  /** The same tree with each literal replaced by its id from {@code ids}. */
  LiteralCondition bind(Map<String, Integer> ids) {
    if (kind == Kind.LITERAL) {
      return new LiteralCondition(kind, literal, null, ids.get(literal));
    }
    LiteralCondition[] bound = new LiteralCondition[parts.length];
    for (int i = 0; i < parts.length; i++) {
      bound[i] = parts[i].bind(ids);
    }
    if (kind == Kind.ALL) {
      // the part least likely to hold first: holds() stops at the first part that fails
      java.util.Arrays.sort(bound, java.util.Comparator.comparingInt((LiteralCondition c) -> -minLength(c.oneClause()))
          .thenComparingInt(c -> c.oneClause().size()));
    }
    return new LiteralCondition(kind, null, bound, -1);
  }

  private static int minLength(Set<String> clause) {
    int min = Integer.MAX_VALUE;
    for (String l : clause) {
      min = Math.min(min, l.length());
    }
    return min;
  }

  /** Whether the (bound) condition holds when exactly the literals in {@code present} occur (a bitmap of ids). */
  boolean holds(long[] present) {
    switch (kind) {
      case LITERAL -> {
        int w = id >> 6;
        return w < present.length && (present[w] & (1L << id)) != 0;
      }
      case ALL -> {
        for (LiteralCondition p : parts) {
          if (!p.holds(present)) {
            return false;
          }
        }
        return true;
      }
      default -> {
        if (anyWords != null) {
          for (int k = 0; k < anyWords.length; k++) {
            int w = anyWords[k];
            if (w < present.length && (present[w] & anyBits[k]) != 0) {
              return true;
            }
          }
          for (LiteralCondition p : rest) {
            if (p.holds(present)) {
              return true;
            }
          }
          return false;
        }
        for (LiteralCondition p : parts) {
          if (p.holds(present)) {
            return true;
          }
        }
        return false;
      }
    }
  }

  @Override
  public String toString() {
    if (kind == Kind.LITERAL) {
      return '"' + literal + '"';
    }
    List<String> s = new ArrayList<>();
    for (LiteralCondition p : parts) {
      s.add(p.toString());
    }
    return (kind == Kind.ALL ? "all" : "any") + s;
  }
}
