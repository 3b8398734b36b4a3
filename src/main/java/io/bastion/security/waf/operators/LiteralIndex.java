package io.bastion.security.waf.operators;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The required literals of every {@code @rx} in a rule set, in one Aho-Corasick automaton. A transaction
 * scans each distinct (transformed) value once and gets the set of literals present; each regex then
 * only checks whether any of <em>its</em> literals is in that set, instead of scanning the value itself.
 * Filled while the rule set is parsed, then {@link #freeze() frozen}; immutable and shared afterwards.
 */
public final class LiteralIndex {

  private final Map<String, Integer> ids = new HashMap<>();
  private final List<String> literals = new ArrayList<>();
  private AhoCorasick automaton;

  /** Registers literals (before {@link #freeze()}); returns their ids. */
  public synchronized int[] register(List<String> required) {
    if (automaton != null) {
      throw new IllegalStateException("index already frozen");
    }
    int[] out = new int[required.size()];
    for (int i = 0; i < out.length; i++) {
      String lit = required.get(i);
      Integer id = ids.get(lit);
      if (id == null) {
        id = literals.size();
        ids.put(lit, id);
        literals.add(lit);
      }
      out[i] = id;
    }
    return out;
  }

  /** Builds the automaton; no more registrations after this. */
  public synchronized LiteralIndex freeze() {
    if (automaton == null) {
      automaton = new AhoCorasick(literals);
    }
    return this;
  }

  public boolean frozen() {
    return automaton != null;
  }

  /** The ids of the literals occurring in the value (case-insensitively). */
  public BitSet scan(String value) {
    BitSet hits = new BitSet(literals.size());
    automaton.findAll(value, hits);
    return hits;
  }

  private static final int[] NO_HITS = new int[0];

  /**
   * The ids of the literals occurring in the value, ascending, using {@code scratch} (cleared first) as
   * working space: the result is as small as the hits (usually none), not as large as the index.
   */
  public int[] scan(String value, BitSet scratch) {
    scratch.clear();
    automaton.findAll(value, scratch);
    int n = scratch.cardinality();
    if (n == 0) {
      return NO_HITS;
    }
    int[] ids = new int[n];
    for (int i = scratch.nextSetBit(0), k = 0; i >= 0; i = scratch.nextSetBit(i + 1)) {
      ids[k++] = i;
    }
    return ids;
  }

  public int size() {
    return literals.size();
  }
}
