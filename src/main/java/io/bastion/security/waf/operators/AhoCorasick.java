package io.bastion.security.waf.operators;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A case-insensitive (ASCII) Aho-Corasick automaton over byte strings, built once and searched in one
 * pass with no allocation: the trie and its failure links are compiled into a dense DFA over the
 * characters that occur in the phrases (every other character shares one column), so each input
 * character costs two array reads. Used by {@code @pm}, {@code @pmFromFile} and the {@code @rx} prefilter.
 * <p>
 * The scan is one dependent table read per character, so what sits between two reads is the cost: the
 * character class table folds upper-case letters itself (no compare-and-branch per character, which
 * mispredicts on mixed-case text such as a bearer token), a transition holds its target's row offset
 * ({@code state * classes}) rather than its number (no multiply), and its sign says whether a phrase ends
 * there (no second array read per character).
 */
final class AhoCorasick {

  /** Per byte, its column; an upper-case ASCII letter has its lower-case letter's column. */
  private final int[] charClass = new int[256];
  private final int classes;
  /**
   * Per (state row offset + column), the target's row offset ({@code target * classes}), bitwise negated
   * ({@code ~}) when a phrase ends at the target.
   */
  private final int[] delta;
  private final String[] output;
  /** Per state: the id of the phrase ending exactly here (-1 if none), and the next state on the fail chain
   *  that ends a phrase (-1 if none); together they enumerate every phrase ending at a position. */
  private final int[] ownId;
  private final int[] dictLink;
  /** Words of a {@link #findAllBits} bitmap: enough for the largest phrase id. */
  private final int bitWords;

  AhoCorasick(List<String> phrases) {
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
    // Build the trie with maps, then resolve it into the dense table.
    List<Map<Integer, Integer>> trie = new ArrayList<>();
    List<String> out = new ArrayList<>();
    List<Integer> own = new ArrayList<>();
    trie.add(new HashMap<>());
    out.add(null);
    own.add(-1);
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
          out.add(null);
          own.add(-1);
          trie.get(s).put(charClass[c], t);
        }
        s = t;
      }
      if (representable && out.get(s) == null) {
        out.set(s, p);
        own.set(s, id);
      }
    }
    int states = trie.size();
    this.delta = new int[states * classes];
    this.output = out.toArray(new String[0]);
    this.ownId = own.stream().mapToInt(Integer::intValue).toArray();
    this.dictLink = new int[states];
    this.bitWords = phrases.size() / 64 + 1;
    dictLink[0] = -1;
    int[] fail = new int[states];
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    for (int cls = 0; cls < classes; cls++) {
      Integer t = trie.get(0).get(cls);
      if (t != null) {
        delta[cls] = t;
        fail[t] = 0;
        queue.add(t);
      }
    }
    java.util.Arrays.fill(dictLink, -1);
    while (!queue.isEmpty()) {
      int s = queue.poll();
      int f = fail[s];
      dictLink[s] = ownId[f] >= 0 ? f : dictLink[f];
      if (output[s] == null && output[fail[s]] != null) {
        output[s] = output[fail[s]];
      }
      for (int cls = 0; cls < classes; cls++) {
        Integer t = trie.get(s).get(cls);
        if (t != null) {
          fail[t] = delta[fail[s] * classes + cls];
          delta[s * classes + cls] = t;
          queue.add(t);
        } else {
          delta[s * classes + cls] = delta[fail[s] * classes + cls];
        }
      }
    }
    for (int i = 0; i < delta.length; i++) {
      int t = delta[i];
      delta[i] = output[t] != null ? ~(t * classes) : t * classes;
    }
    for (int c = 'A'; c <= 'Z'; c++) {
      charClass[c] = charClass[c + 32];
    }
  }

  private static int lower(char c) {
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
  }

  /** The first phrase found in the input, or null. */
  String find(String input) {
    int s = 0;
    int n = input.length();
    int[] d = delta;
    int[] cc = charClass;
    int k = classes;
    for (int i = 0; i < n; i++) {
      char c = input.charAt(i);
      int t = d[s + (c < 256 ? cc[c] : 0)];
      if (t < 0) {
        return output[~t / k];
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
    int[] d = delta;
    int[] cc = charClass;
    int k = classes;
    for (int i = 0; i < n; i++) {
      char c = input.charAt(i);
      int t = d[s + (c < 256 ? cc[c] : 0)];
      if (t < 0) {
        t = ~t;
        if (words == null) {
          words = new long[bitWords];
        }
        int state = t / k;
        for (int e = ownId[state] >= 0 ? state : dictLink[state]; e >= 0; e = dictLink[e]) {
          words[ownId[e] >> 6] |= 1L << ownId[e];
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
