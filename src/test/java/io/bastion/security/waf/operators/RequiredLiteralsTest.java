package io.bastion.security.waf.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The literals derived from a pattern (one must occur in any match), and the prefilter built on them. */
class RequiredLiteralsTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '!', nullValues = "NONE", value = {
      "(?i)union\\s+select             ! union|select",
      "(?:^|[\\x5c/;])\\.{2,3}[\\x5c/;]    ! ..",
      "ab{3}c                          ! abbbc",
      "x(?:ab){2,}                     ! abab",
      "[a-z]+                          ! NONE",
      "a*b?                            ! NONE",
  })
  void derivesTheLiteralsEveryMatchContains(String pattern, String expected) {
    List<String> lits = RequiredLiterals.of(PcreTranslator.compile(pattern.trim()).pattern());
    if (expected == null) {
      assertEquals(null, lits);
      return;
    }
    Set<String> want = Set.of(expected.trim().split("\\|"));
    if (want.size() == 1) {
      assertEquals(want, Set.copyOf(lits));
    } else {
      assertTrue(want.containsAll(lits) && !lits.isEmpty(), "got " + lits);
    }
  }

  @ParameterizedTest(name = "{0} / {1}")
  @CsvSource(delimiter = '!', value = {
      "(?:^|[\\x5c/;])\\.{2,3}[\\x5c/;] ! /a/b/c.txt        ! false",
      "(?:^|[\\x5c/;])\\.{2,3}[\\x5c/;] ! /a/../etc/passwd  ! true",
      "(?i)union\\s+select          ! UNION   SELECT 1    ! true",
      "(?i)union\\s+select          ! a union of states   ! false",
  })
  void prefilterAgreesWithTheRegex(String pattern, String input, boolean matches) {
    Rx rx = new Rx(pattern.trim());
    boolean regex = rx.pattern().matcher(input.trim()).find();
    assertEquals(matches, regex);
    if (regex) {
      assertTrue(rx.mayMatch(input.trim()), "the prefilter must never reject a match");
    } else if (input.contains("/a/b")) {
      assertFalse(rx.mayMatch(input.trim()), "a path without '..' is rejected before the regex");
    }
  }

  /** A sequence requires a literal from each of its parts, an alternation from one of its branches. */
  @ParameterizedTest(name = "{0} / {1}")
  @CsvSource(delimiter = '!', value = {
      "%[\\w.-]+;\\s*\\]                  ! {\"a\":[1]}              ! false",
      "%[\\w.-]+;\\s*\\]                  ! x %foo; ]                ! true",
      "\\bon(?:error|load)\\s*=             ! online learning          ! false",
      "\\bon(?:error|load)\\s*=             ! x onerror =alert(1)      ! true",
      "(?i)['\"`();=#%|&<>*]|--|\\bor\\b    ! Galway Road               ! false",
      "(?i)['\"`();=#%|&<>*]|--|\\bor\\b    ! a=b                       ! true",
      "j\\s*a\\s*v\\s*a\\s*s\\s*c\\s*r\\s*i\\s*p\\s*t\\s*: ! java script course       ! false",
      "j\\s*a\\s*v\\s*a\\s*s\\s*c\\s*r\\s*i\\s*p\\s*t\\s*: ! java script:alert(1)     ! true",
      "(?:union\\s+select|sleep\\s*\\(\\d)  ! sleep well               ! false",
      "(?:union\\s+select|sleep\\s*\\(\\d)  ! x sleep(5)               ! true",
  })
  void conditionRejectsValuesMissingAPartAndNeverAMatch(String pattern, String input, boolean matches) {
    Rx rx = new Rx(pattern.trim());
    assertEquals(matches, rx.pattern().matcher(input.trim()).find(), "the case itself is wrong");
    assertEquals(matches, rx.mayMatch(input.trim()), "condition " + rx.literalCondition());
  }

  /** A class range may end in a control character's escape, as the CRS's whitespace {@code [\t-\r ...]} (941120). */
  @org.junit.jupiter.api.Test
  void aRangeEndingInAnEscapeKeepsTheCondition() {
    String pattern = PcreTranslator.compile("(?i)[\\t-\\r \"'\\(,/-9;=`]on[a-z]{3,50}[\\t-\\r \\(,;]*?=[^=]").pattern();
    LiteralPrefilter prefilter = LiteralPrefilter.of(pattern);
    assertTrue(prefilter != null, "no condition");
    assertTrue(prefilter.mayMatch("<a\ronclick =x>"));
    assertTrue(prefilter.mayMatch(" onload=x"));
    assertFalse(prefilter.mayMatch("female"));
    assertFalse(prefilter.mayMatch("on the 12 March 1968"));
  }
}
