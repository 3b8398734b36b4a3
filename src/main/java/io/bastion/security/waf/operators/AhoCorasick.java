package io.bastion.security.waf.operators;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A case-insensitive (ASCII) Aho-Corasick automaton over byte strings, built once and searched in one
 * pass with no allocation. Used by {@code @pm}, {@code @pmFromFile} and the {@code @rx} prefilter.
 * <p>
 * The states near the root (every state up to the depth where {@link #DENSE_STATES} would be exceeded) have a
 * dense row of transitions over the characters that occur in the phrases (every other character shares one
 * column), with the failure links already resolved: one table read per character. The deeper states, where a
 * benign value rarely goes (a run of characters spelling the first few characters of a phrase), keep only their
 * trie edges and failure link, followed until a dense state answers. The CRS's ~5,000 literals make ~31,000
 * states: a dense row each (84 columns) was a 10 MB table, read at random, slower than L2 on every character;
 * the dense part is now a few hundred KB of {@code char}s and stays in cache.
 * <p>
 * States are numbered breadth-first, so a state is dense exactly when its number is below {@link #dense}'s row
 * count; the target of a dense row is at most one deeper, so it fits a {@code char}. Whether a phrase ends at a
 * state is one bit of {@link #emits}.
 */
final class AhoCorasick {

  /** How many states may have a dense row: the rows of 2,186 states (the CRS's literals to depth 3) take 367 KB. */
  static final int DENSE_STATES = 2500;

  /** Per byte, its column; an upper-case ASCII letter has its lower-case letter's column. */
  private final int[] charClass = new int[256];
  private final int classes;
  /** Row-major, {@code denseCount} rows of {@code classes} targets: the full transition of each shallow state. */
  private final char[] dense;
  private final int denseCount;
  /** Per deep state (indexed by state number): its failure link, and its trie edges in {@code edge*}. */
  private final int[] fail;
  private final int[] edgeStart;
  private final int[] edgeClass;
  private final int[] edgeTarget;
  /** Per state, one bit: whether a phrase ends there (its own or one of its suffixes'). */
  private final long[] emits;
  /** Per state: a phrase ending there (its own, else its longest suffix's), for {@link #find}; null if none. */
  private final String[] output;
  /** Per state: the id of the phrase ending exactly here (-1 if none), and the next state on the fail chain
   *  that ends a phrase (-1 if none); together they enumerate every phrase ending at a position. */
  private final int[] ownId;
  private final int[] dictLink;
  /** Words of a {@link #findAllBits} bitmap: enough for the largest phrase id. */
  private final int bitWords;

  AhoCorasick(List<String> phrases) {
    this(phrases, DENSE_STATES);
  }

  /** With at most {@code denseStates} dense rows (at least the root's), so tests can exercise the deep states. */
  AhoCorasick(List<String> phrases, int denseStates) {
    int next = 1;
    for (String p : phrases) {
      for (int k = 0; k < p.length(); k++) {
        int c = lower(p.charAt(k));
        if (c < 256 && charClass[c] == 0) {
          charClass[c] = next++;
        }
      }
    }
    this.classes = next;
    // Build the trie with maps (states in insertion order), then renumber breadth-first.
    List<Map<Integer, Integer>> trie = new ArrayList<>();
    List<Integer> ownByTrie = new ArrayList<>();
    List<String> phraseByTrie = new ArrayList<>();
    trie.add(new HashMap<>());
    ownByTrie.add(-1);
    phraseByTrie.add(null);
    for (int id = 0; id < phrases.size(); id++) {
      String p = phrases.get(id);
      if (p.isEmpty()) {
        continue;
      }
      int s = 0;
      boolean representable = true;
      for (int k = 0; k < p.length(); k++) {
        int c = lower(p.charAt(k));
        if (c >= 256) {
          representable = false;
          break;
        }
        Integer t = trie.get(s).get(charClass[c]);
        if (t == null) {
          t = trie.size();
          trie.add(new HashMap<>());
          ownByTrie.add(-1);
          phraseByTrie.add(null);
          trie.get(s).put(charClass[c], t);
        }
        s = t;
      }
      if (representable && phraseByTrie.get(s) == null) {
        phraseByTrie.set(s, p);
        ownByTrie.set(s, id);
      }
    }
    int states = trie.size();
    // Breadth-first numbering, children in column order; depth of each state.
    int[] trieOf = new int[states];
    int[] number = new int[states];
    int[] depth = new int[states];
    trieOf[0] = 0;
    int tail = 1;
    for (int head = 0; head < tail; head++) {
      int t = trieOf[head];
      number[t] = head;
      for (Map.Entry<Integer, Integer> e : new java.util.TreeMap<>(trie.get(t)).entrySet()) {
        trieOf[tail] = e.getValue();
        depth[tail] = depth[head] + 1;
        tail++;
      }
    }
    // Dense rows: whole depths, while they fit the budget (a dense row's targets are at most one deeper).
    int dc = 1;
    while (dc < states && depth[dc] == 0) {
      dc++;
    }
    for (int d = 1; ; d++) {
      int end = dc;
      while (end < states && depth[end] == d) {
        end++;
      }
      if (end == dc || end > Math.max(1, denseStates)) {
        break;
      }
      dc = end;
    }
    int lastTarget = dc;
    while (lastTarget < states && depth[lastTarget] <= depth[dc - 1] + 1) {
      lastTarget++;
    }
    if (lastTarget > Character.MAX_VALUE + 1) {
      throw new IllegalArgumentException("too many phrase prefixes near the root: " + lastTarget);
    }
    this.denseCount = dc;
    this.fail = new int[states];
    this.ownId = new int[states];
    this.output = new String[states];
    this.dictLink = new int[states];
    this.emits = new long[states / 64 + 1];
    this.bitWords = phrases.size() / 64 + 1;
    // Trie edges in the new numbering, in state order.
    this.edgeStart = new int[states + 1];
    int edges = 0;
    for (int s = 0; s < states; s++) {
      edgeStart[s] = edges;
      edges += trie.get(trieOf[s]).size();
    }
    edgeStart[states] = edges;
    this.edgeClass = new int[edges];
    this.edgeTarget = new int[edges];
    for (int s = 0, e = 0; s < states; s++) {
      for (Map.Entry<Integer, Integer> edge : new java.util.TreeMap<>(trie.get(trieOf[s])).entrySet()) {
        edgeClass[e] = edge.getKey();
        edgeTarget[e] = number[edge.getValue()];
        e++;
      }
      ownId[s] = ownByTrie.get(trieOf[s]);
      output[s] = phraseByTrie.get(trieOf[s]);
    }
    // Failure links, outputs and dictionary links breadth-first (a state's fail is shallower, so done first).
    dictLink[0] = -1;
    fail[0] = 0;
    for (int s = 0; s < states; s++) {
      for (int e = edgeStart[s]; e < edgeStart[s + 1]; e++) {
        int t = edgeTarget[e];
        int f = s == 0 ? 0 : next(fail[s], edgeClass[e]);
        fail[t] = f;
        dictLink[t] = ownId[f] >= 0 ? f : dictLink[f];
        if (output[t] == null) {
          output[t] = output[f];
        }
      }
      if (ownId[s] >= 0 || dictLink[s] >= 0) {
        emits[s >> 6] |= 1L << s;
      }
    }
    // Dense rows: the trie edge, else the failure state's transition (shallower, so already filled).
    this.dense = new char[dc * classes];
    for (int s = 0; s < dc; s++) {
      for (int cls = 0; cls < classes; cls++) {
        dense[s * classes + cls] = (char) (s == 0 ? 0 : dense[fail[s] * classes + cls]);
      }
      for (int e = edgeStart[s]; e < edgeStart[s + 1]; e++) {
        dense[s * classes + edgeClass[e]] = (char) edgeTarget[e];
      }
    }
    for (int c = 'A'; c <= 'Z'; c++) {
      charClass[c] = charClass[c + 32];
    }
  }

  /** The goto-or-fail transition from state {@code s} on column {@code cls}, by trie edges and failure links. */
  private int next(int s, int cls) {
    while (true) {
      for (int e = edgeStart[s], end = edgeStart[s + 1]; e < end; e++) {
        if (edgeClass[e] == cls) {
          return edgeTarget[e];
        }
      }
      if (s == 0) {
        return 0;
      }
      s = fail[s];
    }
  }

  /** The transition from a deep state: its trie edges, else its failure chain until a dense state. */
  private int deepStep(int s, int cls) {
    int dc = denseCount;
    while (s >= dc) {
      for (int e = edgeStart[s], end = edgeStart[s + 1]; e < end; e++) {
        if (edgeClass[e] == cls) {
          return edgeTarget[e];
        }
      }
      s = fail[s];
    }
    return dense[s * classes + cls];
  }

  private static int lower(char c) {
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
  }

  /** The first phrase found in the input, or null. */
  String find(String input) {
    int s = 0;
    int n = input.length();
    char[] d = dense;
    int[] cc = charClass;
    int k = classes;
    int dc = denseCount;
    long[] em = emits;
    for (int i = 0; i < n; i++) {
      char c = input.charAt(i);
      int cls = c < 256 ? cc[c] : 0;
      int t = s < dc ? d[s * k + cls] : deepStep(s, cls);
      if ((em[t >> 6] & (1L << t)) != 0) {
        return output[t];
      }
      s = t;
    }
    return null;
  }

  /**
   * The ids of every phrase occurring in the input as a bitmap ({@code words[id >> 6]} bit {@code id & 63}),
   * or null when none occurs: no allocation for the usual value that holds no phrase.
   */
  long[] findAllBits(String input) {
    long[] words = null;
    int s = 0;
    int n = input.length();
    char[] d = dense;
    int[] cc = charClass;
    int k = classes;
    int dc = denseCount;
    long[] em = emits;
    for (int i = 0; i < n; i++) {
      char c = input.charAt(i);
      int cls = c < 256 ? cc[c] : 0;
      int t = s < dc ? d[s * k + cls] : deepStep(s, cls);
      if ((em[t >> 6] & (1L << t)) != 0) {
        if (words == null) {
          words = new long[bitWords];
        }
        // A phrase's bit is set only together with those of every phrase on its dictionary chain (the walk goes on
        // to the chain's end, or stops at a bit already set, itself set that way): stop at the first one set.
        // Short CRS literals ("/", ".", "(") end at most positions of a benign value, so most walks stop at once.
        for (int e = ownId[t] >= 0 ? t : dictLink[t]; e >= 0; e = dictLink[e]) {
          int id = ownId[e];
          long bit = 1L << id;
          if ((words[id >> 6] & bit) != 0) {
            break;
          }
          words[id >> 6] |= bit;
        }
      }
      s = t;
    }
    return words;
  }

  static List<String> splitPhrases(String argument) {
    List<String> out = new ArrayList<>();
    for (String s : argument.trim().split("\\s+")) {
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }
}
