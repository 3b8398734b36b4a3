package io.bastion.security.waf.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The no-match automaton against {@code java.util.regex} on the constructs whose semantics are easy to get
 * wrong (ASCII-only case folding, scoped flags, negated classes, escapes, counted repetition): it must say
 * "maybe" wherever the regex finds a match, and it should say "no" for plain non-matches (else it is useless).
 */
class NoMatchDfaTest {

  /** pattern (PCRE, as in a rule), a value the regex matches, a value it does not. */
  private static final List<String[]> CASES = List.of(
      new String[] {"(?i)union\\s+select", "x UNION\tSeLeCt y", "union-select"},
      new String[] {"(?i:ab)c", "ABc", "ABC"},
      new String[] {"a(?i)b", "aB", "AB"},
      new String[] {"(?i)[^a]x", "bx", "Ax"},
      new String[] {"(?i)[a-c]z", "Bz", "dz"},
      new String[] {"(?i)\\x41b", "aB", "xb"},
      new String[] {"[^\\w\\s]{2}", "a%$", "a b"},
      new String[] {"\\d{3,5}-x", "123-x", "12-x"},
      new String[] {"a.{0,100}b", "a\nb", "ba"},
      new String[] {"(?:^|[/;\\x5c])\\.{2,3}[/;\\x5c]", "/../etc", "a..b"},
      new String[] {"(?<=a)b", "ab", "cc"},
      new String[] {"(a)\\1", "aa", "bb"},
      new String[] {"[[:alpha:]]+=", "abc=", "123"},
      new String[] {"\\bselect\\b", "select 1", "selec"},
      new String[] {"\\x{e9}t\\u00e9", "\u00e9t\u00e9", "ete"},
      new String[] {"[\\]x]y", "]y", "zy"},
      new String[] {"a++b", "aab", "b"},
      new String[] {"\\Q.*\\E", "a.*", "ab"});

  @Test
  void saysMaybeWheneverTheRegexMatchesAndNoForPlainMisses() {
    for (String[] c : CASES) {
      Pattern p = PcreTranslator.compile(c[0]);
      NoMatchDfa dfa = NoMatchDfa.of(p.pattern());
      assertNotNull(dfa, c[0]);
      assertTrue(p.matcher(c[1]).find(), "case is wrong: " + c[0] + " on " + c[1]);
      assertTrue(dfa.mayFind(c[1]), c[0] + " must say maybe for " + c[1]);
      assertEquals(false, p.matcher(c[2]).find(), "case is wrong: " + c[0] + " on " + c[2]);
    }
    assertEquals(false, NoMatchDfa.of("(?i)union\\s+select").mayFind("union-select"));
    assertEquals(false, NoMatchDfa.of("\\d{3,5}-x").mayFind("12-x"));
    assertEquals(false, NoMatchDfa.of("(?i)[^a]x").mayFind("Ax"));
    assertEquals(false, NoMatchDfa.of("(?i)\\x41b").mayFind("xb"));
  }

  /** Patterns whose boundaries sit at the start, the end, inside alternatives and next to each other. */
  private static final List<String> BOUNDARY_PATTERNS = List.of("\\bor\\b", "(?i)\\b(?:or|and|div)\\b", "\\Bor",
      "or\\B", "\\b", "\\B", "a\\b", "\\b\\B", "(?:x|\\b)or", "\\b.\\b", "o\\b\\.", "\\B\\b_",
      "(?:^|\\b)r$", "\\b(?:or)?\\b", "[^o]\\Bo");

  @Test
  void wordBoundariesAreCheckedAgainstTheBytesAroundThem() {
    // the builtin SQL tokenizer's keywords inside FHIR words: no longer a "maybe"
    NoMatchDfa keywords = NoMatchDfa.of(PcreTranslator.compile("(?i)\\b(?:or|and|div)\\b").pattern());
    for (String benign : List.of("Medical record number", "fhir.example.org", "work", "Organization/guh", "divide")) {
      assertEquals(false, keywords.mayFind(benign), benign);
    }
    assertTrue(keywords.mayFind("a or b") && keywords.mayFind("OR") && keywords.mayFind("x.and.y"));
    // against the regex on every string of up to 5 bytes over word, non-word and Latin-1 bytes
    String alphabet = "or _.\u00e9";
    for (String source : BOUNDARY_PATTERNS) {
      Pattern p = PcreTranslator.compile(source);
      NoMatchDfa dfa = NoMatchDfa.of(p.pattern());
      assertNotNull(dfa, source);
      int said = 0;
      for (String value : strings(alphabet, 5)) {
        boolean found = p.matcher(value).find();
        boolean maybe = dfa.mayFind(value);
        assertTrue(maybe || !found, source + " said no, but the regex finds a match in \"" + value + "\"");
        said += maybe ? 0 : 1;
      }
      assertTrue(said > 0, source + " never said no: the boundaries were read as empty");
    }
  }

  private static List<String> strings(String alphabet, int maxLength) {
    List<String> out = new java.util.ArrayList<>(List.of(""));
    List<String> last = List.of("");
    for (int n = 1; n <= maxLength; n++) {
      List<String> next = new java.util.ArrayList<>();
      for (String s : last) {
        for (char c : alphabet.toCharArray()) {
          next.add(s + c);
        }
      }
      out.addAll(next);
      last = next;
    }
    return out;
  }

  @Test
  void charactersOutsideTheByteAlphabetLeaveTheVerdictToTheRegex() {
    assertTrue(NoMatchDfa.of("abc").mayFind("\u2028"));
  }

  /** Anchored patterns the strict reader describes exactly: the answer must be the regex's, both ways. */
  private static final List<String> WHOLE_PATTERNS = List.of("^a$", "(?i)^ab*$", "^(?:a|b_)+$", "^a{2,3}\\.?$",
      "^[^a.]*a$", "^\\bo(?:r|_)\\b.*$", "^(?:\\B.|o\\b)*$", "(?i)^[a-c]{1,3}?[\\s\\x0b]*$", "^.$", "^$",
      "^(?:a|)\\r?$", "(?i)^A(?-i)b*$", "^(?:[^r\\n]|\\r\\n)*$");

  @Test
  void wholeValueAutomatonAnswersExactlyAsTheRegex() {
    String alphabet = "aAbor _.\r\n";
    for (String source : WHOLE_PATTERNS) {
      Pattern p = PcreTranslator.compile(source);
      NoMatchDfa dfa = NoMatchDfa.whole(p.pattern());
      assertNotNull(dfa, source);
      int yes = 0;
      int no = 0;
      for (String value : strings(alphabet, 4)) {
        int answer = dfa.matchesWhole(value);
        if (answer < 0) {
          assertTrue(value.endsWith("\n") || value.endsWith("\r"), source + " left \"" + value + "\" to the regex");
          continue;
        }
        assertEquals(p.matcher(value).find(), answer == 1, source + " on \"" + value + "\"");
        yes += answer;
        no += 1 - answer;
      }
      assertTrue(yes > 0 && no > 0, source + ": " + yes + " matches, " + no + " misses");
    }
    NoMatchDfa b = NoMatchDfa.whole(PcreTranslator.compile("^\\bx$").pattern());
    assertEquals(-1, b.matchesWhole("\u00e9x")); // above 127 with a boundary: the regex decides
    assertEquals(-1, NoMatchDfa.whole("^x*$").matchesWhole("x\u2028"));
    assertEquals(1, NoMatchDfa.whole("^x*$").matchesWhole("xx"));
  }

  @Test
  void onlyExactlyReadAnchoredPatternsGetAWholeValueAutomaton() {
    for (String source : List.of("a$", "^a", "^a|b$", "^a$|^b$", "^(?=a)a$", "^(a)\\1$", "^a++$", "^(?>a)$",
        "^a{1,40}$", "^a$$", "^[[:alpha:]]$", "^\\p{L}$", "(?m)^a$", "^a\\z", "\\Aa$", "^(?-s).$", "^a$b",
        "(?:^)*a$", "^a(?:$)?")) {
      assertNull(NoMatchDfa.whole(PcreTranslator.compile(source).pattern()), source);
    }
  }

  @Test
  void unsupportedSyntaxGetsNoAutomaton() {
    assertNull(NoMatchDfa.of("(?x)a b"));
    assertNull(NoMatchDfa.of("(?u)(?i)\u00e9"));
  }
}
