package io.bastion.security.waf.operators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The automaton against a naive search, over phrases that overlap, nest and share prefixes and suffixes, with every
 * state dense and with most states deep (trie edges and failure links only).
 */
class AhoCorasickTest {

  private static final String ALPHABET = "abcAB./%é";

  @Test
  void findsExactlyThePhrasesANaiveSearchFinds() {
    Random random = new Random(42);
    // distinct phrases, as LiteralIndex registers them (a repeated phrase reports its first id only)
    java.util.Set<String> distinct = new java.util.LinkedHashSet<>();
    while (distinct.size() < 300) {
      distinct.add(randomString(random, ALPHABET, 1 + random.nextInt(5)).toLowerCase(Locale.ROOT));
    }
    distinct.addAll(List.of("select", "elect", "union select", "a", "../", "%2e"));
    List<String> phrases = new ArrayList<>(distinct);
    for (int denseStates : new int[] {1, 5, 60, AhoCorasick.DENSE_STATES}) {
      check(phrases, new AhoCorasick(phrases, denseStates), new Random(denseStates));
    }
    assertEquals("select", new AhoCorasick(List.of("select", "union")).find("1 SELECT 2"));
    assertEquals("select", new AhoCorasick(List.of("select", "union"), 1).find("1 SELECT 2"));
    assertEquals("ab", new AhoCorasick(List.of("xabc", "ab"), 1).find("xxabd"));
  }

  private static void check(List<String> phrases, AhoCorasick automaton, Random random) {
    for (int n = 0; n < 2000; n++) {
      String input = randomString(random, ALPHABET + " selctUNIOĀ", random.nextInt(40)); // Ā: above 255
      long[] expected = naive(phrases, input);
      long[] bits = automaton.findAllBits(input);
      assertArrayEquals(expected, bits == null ? new long[expected.length] : bits, input);
      String first = automaton.find(input);
      if (bits == null) {
        assertNull(first, input);
      } else {
        assertTrue(asciiLower(input).contains(first), input + " / " + first);
      }
    }
  }

  private static long[] naive(List<String> phrases, String input) {
    long[] words = new long[phrases.size() / 64 + 1];
    String lower = asciiLower(input);
    for (int id = 0; id < phrases.size(); id++) {
      if (lower.contains(phrases.get(id))) {
        words[id >> 6] |= 1L << id;
      }
    }
    return words;
  }

  /** The automaton folds ASCII letters only. */
  private static String asciiLower(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      sb.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
    }
    return sb.toString();
  }

  private static String randomString(Random random, String alphabet, int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }
}
