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
 * Word boundaries ({@code \b}, {@code \B}) are kept: a state remembers whether the byte before it was a word
 * byte, and a pending boundary is passed only when the next byte agrees, so "or" inside "record" no longer reads
 * as {@code \bor\b}. Bytes above 127 count as either (Java's {@code \b} calls some of them letters).
 * The states are built lazily (subset construction over byte equivalence classes, RE2-style): the CRS's
 * command-injection patterns have far too many states to build eagerly, but ordinary values visit only a
 * few of them. Each thread keeps its own states, at most {@link #MAX_STATES}; a value that needs more gets
 * "maybe" and the cache starts afresh. The Thompson automaton underneath is immutable and shared.
 *
 * <p>{@link #whole} builds the other kind, for a pattern {@code ^X$} read without approximation
 * ({@link RegexSupersetParser#parseWhole}): anchored at the start of the value, its states do not restart the search
 * at every position and a match is only one that ends at the end of the value, so it answers exactly whether
 * {@code Matcher.find()} finds a match ({@link #matchesWhole}) — "matches" as well as "does not" — except for a
 * value ending in a line terminator (where Java's {@code $} also matches before it), a character outside its
 * alphabet (above 255, or above 127 when the pattern has a word boundary), or too many states: those are left to
 * the regex.
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
  /** The first state: the start set before any byte (a boundary there sees "no word byte" before it). */
  private final int[] firstSet;
  private final ThreadLocal<States> states;
  /** Anchored whole-value automaton ({@link #whole}): no restart at every position, acceptance only at the end. */
  private final boolean anchored;
  /** The highest char the automaton answers for (127 when a word boundary must tell letters above it). */
  private final char highest;
  private static final int[] NO_STATES = new int[0];

  private NoMatchDfa(Nfa nfa, boolean anchored) {
    this.nfa = nfa;
    this.anchored = anchored;
    this.highest = anchored && nfa.boundaries ? (char) 127 : (char) 255;
    this.charClass = nfa.byteClasses();
    this.classes = Arrays.stream(charClass).max().orElse(0) + 1;
    this.representative = new int[classes];
    for (int c = 255; c >= 0; c--) {
      representative[charClass[c]] = c;
    }
    this.startSet = nfa.closure(new int[] {nfa.start}, null, 0, new int[nfa.size()], 1);
    // (the anchored automaton starts there too, but does not add it again after each byte: see step)
    this.firstSet = nfa.withBefore(startSet, Nfa.NON_WORD);
    this.states = ThreadLocal.withInitial(States::new);
  }

  /** The automaton for a Java pattern (as compiled by {@link PcreTranslator}), or null when there is none. */
  static NoMatchDfa of(String javaPattern) {
    Node tree = RegexSupersetParser.parse(javaPattern);
    if (tree == null) {
      return null;
    }
    return build(tree, false);
  }

  /**
   * The anchored automaton of a pattern {@code ^X$} (as compiled by {@link PcreTranslator}) that the strict
   * reader describes exactly, or null for any other pattern: see {@link #matchesWhole}.
   */
  static NoMatchDfa whole(String javaPattern) {
    Node tree = RegexSupersetParser.parseWhole(javaPattern);
    return tree == null ? null : build(tree, true);
  }

  private static NoMatchDfa build(Node tree, boolean anchored) {
    Nfa nfa = new Nfa();
    try {
      nfa.start = nfa.compile(tree, Nfa.ACCEPT);
    } catch (TooLarge | StackOverflowError e) {
      return null;
    }
    return new NoMatchDfa(nfa, anchored);
  }

  /** Whether the value matches ({@link #whole} only): 1 yes, 0 no, -1 left to the regex. */
  int matchesWhole(CharSequence value) {
    return matchesWhole(value, states.get());
  }

  /**
   * As {@link #matchesWhole(CharSequence)}, with this thread's states from {@link #newStates}. Java's {@code $}
   * (no {@code MULTILINE}) matches at the end of the value or before a line terminator ending it, so a value whose
   * last char is one ({@code \n}, {@code \r}, U+0085; U+2028/9 are outside the alphabet) is left to the regex;
   * otherwise a match of {@code ^X$} is exactly the whole value read by {@code X}.
   */
  int matchesWhole(CharSequence value, Object states) {
    int n = value.length();
    if (n > 0) {
      char last = value.charAt(n - 1);
      if (last == '\n' || last == '\r' || last == '\u0085') {
        return -1;
      }
    }
    States st = (States) states;
    int s = 0;
    int[] cc = charClass;
    int k = classes;
    char high = highest;
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c > high) {
        return -1;
      }
      int cls = cc[c];
      int t = st.next[s * k + cls];
      if (t < 0) {
        t = st.step(s, cls);
        if (t < 0) {
          return -1; // too many states: leave this value to the regex
        }
      }
      if (st.dead[t]) {
        return 0;
      }
      s = t;
    }
    return st.acceptsAtEnd[s] ? 1 : 0;
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
    return st.acceptsAtEnd[s]; // a match ending in a boundary before the end of the value
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
    /** Whether the state accepts when the value ends there (only through a pending word boundary). */
    boolean[] acceptsAtEnd;
    /** Anchored: whether the state holds no NFA state (nothing read from it on can match). */
    boolean[] dead;
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
      acceptsAtEnd = new boolean[16];
      dead = new boolean[16];
      Arrays.fill(next, -1);
      intern(firstSet);
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
        acceptsAtEnd = Arrays.copyOf(acceptsAtEnd, grown);
        dead = Arrays.copyOf(dead, grown);
        int old = next.length;
        next = Arrays.copyOf(next, grown * classes);
        Arrays.fill(next, old, next.length, -1);
      }
      boolean acc = Arrays.binarySearch(set, Nfa.ACCEPT) >= 0;
      accepting[d] = acc;
      stamp++;
      acceptsAtEnd[d] = acc || nfa.boundaries && Arrays.binarySearch(
          nfa.passBoundaries(set, Nfa.NON_WORD, seen, stamp), Nfa.ACCEPT) >= 0;
      if (anchored) {
        dead[d] = set.length == 0 || set[set.length - 1] < 0; // only the "byte before" entry, if any
      } else if (acc) {
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
      int c = representative[cls];
      int[] from = sets.get(d);
      if (nfa.boundaries) {
        stamp++;
        from = nfa.passBoundaries(from, Nfa.wordClass(c), seen, stamp);
      }
      stamp++;
      int[] target = anchored ? nfa.withBefore(nfa.closure(from, NO_STATES, c, seen, stamp), Nfa.wordClass(c))
          : Arrays.binarySearch(from, Nfa.ACCEPT) >= 0 ? new int[] {Nfa.ACCEPT} // matched before c
          : nfa.withBefore(nfa.closure(from, startSet, c, seen, stamp), Nfa.wordClass(c));
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
    /** What a byte is to a word boundary: not a word byte (or no byte), a word byte, or either. */
    static final int NON_WORD = 0;
    static final int WORD = 1;
    static final int EITHER = 2;
    final List<long[]> sets = new ArrayList<>();
    /** For a set state, its one successor; for an epsilon state, its successors. */
    final List<int[]> targets = new ArrayList<>();
    /** Per state: 0, or the boundary it waits for (a node kind) before going on to its one successor. */
    final List<Node.Kind> waits = new ArrayList<>();
    /** Whether any state waits for a boundary: then each deterministic state also records the byte before it. */
    boolean boundaries;
    int start;

    Nfa() {
      add(null, new int[0]); // ACCEPT
    }

    private int add(long[] set, int[] to) {
      return add(set, to, null);
    }

    private int add(long[] set, int[] to, Node.Kind waitsFor) {
      if (sets.size() >= MAX_NFA_STATES) {
        throw new TooLarge();
      }
      sets.add(set);
      targets.add(to);
      waits.add(waitsFor);
      boundaries |= waitsFor != null;
      return sets.size() - 1;
    }

    /**
     * What a byte is to {@code \b}: ASCII letters, digits and "_" are word bytes, other ASCII bytes are not, and
     * a byte above 127 may be either (Java 17's {@code \b} takes Latin-1 letters for word characters, later ones
     * do not).
     */
    static int wordClass(int c) {
      if (c > 127) {
        return EITHER;
      }
      return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' ? WORD : NON_WORD;
    }

    /** Whether a boundary of that kind may be between a byte of class {@code before} and one of class {@code after}. */
    private static boolean passes(Node.Kind boundary, int before, int after) {
      if (before == EITHER || after == EITHER) {
        return true;
      }
      return (before != after) == (boundary == Node.Kind.WORD_BOUNDARY);
    }

    /**
     * A deterministic state's set: the NFA states, and (when the automaton has boundaries) first a negative entry
     * for the class of the byte before it, so states differing only there stay apart and the array stays sorted.
     */
    int[] withBefore(int[] states, int before) {
      if (!boundaries) {
        return states;
      }
      int[] out = new int[states.length + 1];
      out[0] = -1 - before;
      System.arraycopy(states, 0, out, 1, states.length);
      return out;
    }

    /**
     * The states of a deterministic state once its waiting boundaries are decided by the next byte's class
     * {@code after} (NON_WORD at the end of the value): boundaries that pass lead on, closed under epsilon moves
     * and further boundaries at the same place; those that fail drop out. Only set states and ACCEPT remain.
     */
    int[] passBoundaries(int[] state, int after, int[] seen, int stamp) {
      int before = state.length > 0 && state[0] < 0 ? -1 - state[0] : NON_WORD;
      List<Integer> out = new ArrayList<>();
      ArrayDeque<Integer> work = new ArrayDeque<>();
      for (int s : state) {
        if (s >= 0) {
          work.push(s);
        }
      }
      while (!work.isEmpty()) {
        int s = work.pop();
        if (seen[s] == stamp) {
          continue;
        }
        seen[s] = stamp;
        Node.Kind wait = waits.get(s);
        if (s == ACCEPT || sets.get(s) != null) {
          out.add(s);
        } else if (wait == null || passes(wait, before, after)) {
          for (int t : targets.get(s)) {
            work.push(t);
          }
        }
      }
      return sorted(out);
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
        case WORD_BOUNDARY, NOT_WORD_BOUNDARY -> {
          return add(null, new int[] {next}, n.kind);
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
      List<long[]> all = new ArrayList<>(sets);
      if (boundaries) {
        // ... and, for the boundaries, when they are the same kind of byte to \b
        long[] word = new long[4];
        long[] high = new long[4];
        for (int c = 0; c < 256; c++) {
          int k = wordClass(c);
          if (k != NON_WORD) {
            (k == WORD ? word : high)[c >> 6] |= 1L << c;
          }
        }
        all.add(word);
        all.add(high);
      }
      for (long[] set : all) {
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
     * is null), plus {@code also}, closed under epsilon moves; only set states, ACCEPT and states waiting for a
     * boundary (decided by the next byte, {@link #passBoundaries}) are kept, sorted.
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
        if (s == ACCEPT || sets.get(s) != null || waits.get(s) != null) {
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
