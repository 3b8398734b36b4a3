package io.bastion.security.waf.operators;

import io.bastion.security.waf.operators.RegexSupersetParser.Node;
import java.nio.IntBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A deterministic automaton that answers "can this regex find a match anywhere in the value?" with no
 * false "no": it is built from {@link RegexSupersetParser}'s over-approximation of the pattern, so when it
 * says no, {@code Matcher.find()} finds nothing, and {@code @rx} skips the backtracking matcher. A "maybe"
 * (or a character above 255, outside its alphabet) leaves the verdict to {@code java.util.regex}, so
 * captures and every PCRE subtlety stay exactly as before. It reads each character once with a few array
 * reads, where a backtracking search retries the whole pattern at every position.
 * The states are built lazily (subset construction over byte equivalence classes, RE2-style): the CRS's
 * command-injection patterns have far too many states to build eagerly, but ordinary values visit only a
 * few of them. Each thread keeps its own states, at most {@link #MAX_STATES}; a value that needs more gets
 * "maybe" and the cache starts afresh. The Thompson automaton underneath is immutable and shared.
 */
final class NoMatchDfa {

  private static final int MAX_STATES = 2000;
  private static final int MAX_NFA_STATES = 20_000;

  private final Nfa nfa;
  private final int[] charClass;
  private final int classes;
  private final int[] representative;
  /** The epsilon closure of the start: part of every state, since a search may begin at any position. */
  private final int[] startSet;
  private final ThreadLocal<States> states;

  private NoMatchDfa(Nfa nfa) {
    this.nfa = nfa;
    this.charClass = nfa.byteClasses();
    this.classes = Arrays.stream(charClass).max().orElse(0) + 1;
    this.representative = new int[classes];
    for (int c = 255; c >= 0; c--) {
      representative[charClass[c]] = c;
    }
    this.startSet = nfa.closure(new int[] {nfa.start}, null, 0, new int[nfa.size()], 1);
    this.states = ThreadLocal.withInitial(States::new);
  }

  /** The automaton for a Java pattern (as compiled by {@link PcreTranslator}), or null when there is none. */
  static NoMatchDfa of(String javaPattern) {
    Node tree = RegexSupersetParser.parse(javaPattern);
    if (tree == null) {
      return null;
    }
    Nfa nfa = new Nfa();
    try {
      nfa.start = nfa.compile(tree, Nfa.ACCEPT);
    } catch (TooLarge | StackOverflowError e) {
      return null;
    }
    return new NoMatchDfa(nfa);
  }

  /** False only when the regex cannot find a match in {@code value}. */
  boolean mayFind(CharSequence value) {
    return mayFind(value, states.get());
  }

  /** Fresh per-thread states, for a caller that keeps them itself (see {@link LiteralIndex#newSlots}). */
  Object newStates() {
    return new States();
  }

  /** As {@link #mayFind(CharSequence)}, with this thread's states from {@link #newStates}. */
  boolean mayFind(CharSequence value, Object states) {
    States st = (States) states;
    int s = 0;
    if (st.accepting[0]) {
      return true;
    }
    int[] cc = charClass;
    int k = classes;
    for (int i = 0, n = value.length(); i < n; i++) {
      char c = value.charAt(i);
      if (c > 255) {
        return true;
      }
      int cls = cc[c];
      int t = st.next[s * k + cls];
      if (t < 0) {
        t = st.step(s, cls);
        if (t < 0) {
          return true; // too many states: leave this value to the regex
        }
      }
      if (st.accepting[t]) {
        return true;
      }
      s = t;
    }
    return false;
  }

  /** How many states this thread has built so far (for tests and diagnostics). */
  int states() {
    return states.get().sets.size();
  }

  /** One thread's deterministic states: NFA state sets, their ids and the transitions found so far (-1 = not yet). */
  private final class States {
    final List<int[]> sets = new ArrayList<>();
    final Map<IntBuffer, Integer> ids = new HashMap<>();
    int[] next;
    boolean[] accepting;
    final int[] seen = new int[nfa.size()];
    int stamp = 1;

    States() {
      reset();
    }

    private void reset() {
      sets.clear();
      ids.clear();
      next = new int[classes * 16];
      accepting = new boolean[16];
      Arrays.fill(next, -1);
      intern(startSet);
    }

    private int intern(int[] set) {
      Integer id = ids.get(IntBuffer.wrap(set));
      if (id != null) {
        return id;
      }
      int d = sets.size();
      sets.add(set);
      ids.put(IntBuffer.wrap(set), d);
      if (d >= accepting.length) {
        int grown = accepting.length * 2;
        accepting = Arrays.copyOf(accepting, grown);
        int old = next.length;
        next = Arrays.copyOf(next, grown * classes);
        Arrays.fill(next, old, next.length, -1);
      }
      boolean acc = Arrays.binarySearch(set, Nfa.ACCEPT) >= 0;
      accepting[d] = acc;
      if (acc) {
        Arrays.fill(next, d * classes, (d + 1) * classes, d); // a match was found: stay
      }
      return d;
    }

    /** The transition from state {@code d} on byte class {@code cls}, built now; -1 when the cache is full. */
    int step(int d, int cls) {
      if (sets.size() >= MAX_STATES) {
        reset();
        return -1;
      }
      stamp++;
      int[] target = nfa.closure(sets.get(d), startSet, representative[cls], seen, stamp);
      int t = intern(target);
      next[d * classes + cls] = t;
      return t;
    }
  }

  private static final class TooLarge extends RuntimeException {
    TooLarge() {
      super(null, null, false, false);
    }
  }

  /** A Thompson automaton: each state reads one byte set, or branches without reading (epsilon). */
  private static final class Nfa {
    static final int ACCEPT = 0;
    final List<long[]> sets = new ArrayList<>();
    /** For a set state, its one successor; for an epsilon state, its successors. */
    final List<int[]> targets = new ArrayList<>();
    int start;

    Nfa() {
      add(null, new int[0]); // ACCEPT
    }

    private int add(long[] set, int[] to) {
      if (sets.size() >= MAX_NFA_STATES) {
        throw new TooLarge();
      }
      sets.add(set);
      targets.add(to);
      return sets.size() - 1;
    }

    /** Compiles {@code n} so that it continues with state {@code next}; returns its start state. */
    int compile(Node n, int next) {
      switch (n.kind) {
        case SET -> {
          return add(n.set, new int[] {next});
        }
        case EMPTY -> {
          return next;
        }
        case ANY_STRING -> {
          return star(Node.set(new long[] {-1L, -1L, -1L, -1L}), next);
        }
        case CONCAT -> {
          int s = next;
          for (int k = n.children.size() - 1; k >= 0; k--) {
            s = compile(n.children.get(k), s);
          }
          return s;
        }
        case ALT -> {
          int[] branches = new int[n.children.size()];
          for (int k = 0; k < branches.length; k++) {
            branches[k] = compile(n.children.get(k), next);
          }
          return add(null, branches);
        }
        default -> {
          Node body = n.children.get(0);
          int s = next;
          if (n.max < 0) {
            s = star(body, s);
          } else {
            for (int k = n.min; k < n.max; k++) {
              s = add(null, new int[] {compile(body, s), s});
            }
          }
          for (int k = 0; k < n.min; k++) {
            s = compile(body, s);
          }
          return s;
        }
      }
    }

    private int star(Node body, int next) {
      int loop = add(null, new int[] {-1, next});
      targets.get(loop)[0] = compile(body, loop);
      return loop;
    }

    /** Byte equivalence classes: two bytes share a class when every set of the automaton treats them alike. */
    private int[] byteClasses() {
      int[] cls = new int[256];
      int count = 1;
      for (long[] set : sets) {
        if (set == null) {
          continue;
        }
        int[] inside = new int[count];
        int[] outside = new int[count];
        Arrays.fill(inside, -1);
        Arrays.fill(outside, -1);
        int next = 0;
        int[] renamed = new int[256];
        for (int c = 0; c < 256; c++) {
          int[] map = RegexSupersetParser.has(set, c) ? inside : outside;
          if (map[cls[c]] < 0) {
            map[cls[c]] = next++;
          }
          renamed[c] = map[cls[c]];
        }
        cls = renamed;
        count = next;
      }
      return cls;
    }

    int size() {
      return sets.size();
    }

    /**
     * The states reached from {@code from} by reading byte {@code c} (or {@code from} itself when {@code also}
     * is null), plus {@code also}, closed under epsilon moves; only set states and ACCEPT are kept, sorted.
     * {@code seen[s] == stamp} marks states already added (the caller passes a fresh stamp).
     */
    int[] closure(int[] from, int[] also, int c, int[] seen, int stamp) {
      List<Integer> out = new ArrayList<>();
      ArrayDeque<Integer> work = new ArrayDeque<>();
      if (also == null) {
        for (int s : from) {
          work.push(s);
        }
      } else {
        for (int s : also) {
          work.push(s);
        }
        for (int s : from) {
          long[] set = sets.get(s);
          if (set != null && RegexSupersetParser.has(set, c)) {
            work.push(targets.get(s)[0]);
          }
        }
      }
      while (!work.isEmpty()) {
        int s = work.pop();
        if (seen[s] == stamp) {
          continue;
        }
        seen[s] = stamp;
        if (s == ACCEPT || sets.get(s) != null) {
          out.add(s);
        } else {
          for (int t : targets.get(s)) {
            work.push(t);
          }
        }
      }
      return sorted(out);
    }

    private static int[] sorted(List<Integer> states) {
      int[] a = new int[states.size()];
      for (int k = 0; k < a.length; k++) {
        a[k] = states.get(k);
      }
      Arrays.sort(a);
      return a;
    }
  }
}
