package io.bastion.security.waf.operators;

import java.util.ArrayList;
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
  /** Scratch slots handed out to the set's operators ({@link #newSlots}). */
  private volatile int slots;
  private final ThreadLocal<Object[]> threadSlots = ThreadLocal.withInitial(() -> new Object[slots]);
  /** Per thread, the scans of the credentials (bearer tokens) it saw last: they repeat across requests. */
  private final ThreadLocal<CredentialScans> credentials = ThreadLocal.withInitial(CredentialScans::new);

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

  /**
   * Reserves {@code n} per-thread scratch slots for an operator of the set (a {@code @rx} keeps its matcher and
   * its automaton's states there); returns the first. The index is the one object every operator of a rule
   * set shares, so it also holds their per-thread state.
   */
  public synchronized int newSlots(int n) {
    int first = slots;
    slots = first + n;
    return first;
  }

  /**
   * This thread's scratch slots (see {@link #newSlots}): a transaction fetches them once per phase, so its
   * operators do not each look up a {@code ThreadLocal} of their own (hundreds per thread, with long probes).
   */
  public Object[] threadSlots() {
    Object[] s = threadSlots.get();
    if (s.length < slots) {
      s = java.util.Arrays.copyOf(s, slots);
      threadSlots.set(s);
    }
    return s;
  }

  public boolean frozen() {
    return automaton != null;
  }

  private static final long[] NO_BITS = new long[0];

  /**
   * The ids of the literals occurring in the value as a bitmap ({@code bits[id >> 6]} bit {@code id & 63});
   * a shared empty array when none does (the usual case), so testing a pattern's literals costs a few word
   * operations whatever the number of hits. Read-only: a credential's bitmap is kept and handed out again
   * ({@link CredentialScans}).
   */
  public long[] scanBits(String value) {
    if (value.length() >= CredentialScans.MIN_LENGTH) {
      return credentials.get().scan(value, this::scan);
    }
    return scan(value);
  }

  private long[] scan(String value) {
    long[] bits = automaton.findAllBits(value);
    return bits == null ? NO_BITS : bits;
  }

  public int size() {
    return literals.size();
  }
}
