package io.bastion.security.waf.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.security.waf.transformations.ByteSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The bytes an {@code @rx} requires: every value it matches holds one, and they are as rare as the pattern allows. */
class RequiredBytesTest {

  static Stream<Arguments> matches() {
    return Stream.of(
        Arguments.of("(?i)(?:[\\r\\n])\\s*(?:set-cookie|location)\\s*[:/]", "x\r\nLocation: y"),
        Arguments.of("(?i)\\b(?:or|and)\\b", "a OR b"),
        Arguments.of("(?i)union\\s+select", "UNION  SELECT"),
        Arguments.of("\\$\\{jndi:", "${jndi:ldap://x}"),
        Arguments.of("(?i)<script", "<SCRIPT>"),
        Arguments.of("a(?:b|c)d", "acd"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("matches")
  void everyMatchedValueHoldsARequiredByte(String pattern, String value) {
    Rx rx = new Rx(pattern);
    assertTrue(rx.pattern().matcher(value).find(), "the case must match");
    ByteSet held = ByteSet.of(value);
    assertTrue(rx.requiredBytes().meets(held.w0, held.w1, held.w2, held.w3), rx.requiredBytes() + " vs " + value);
  }

  @Test
  void takesTheRarestPartOfASequenceAndTheRarestByteOfALiteral() {
    // the line break, not the header names (which share their letters with every FHIR value)
    assertEquals(ByteSet.of("\r\n"), new Rx("(?i)[\\r\\n]\\s*(?:set-cookie|location)\\s*:").requiredBytes());
    // "$" and "{" are both too rare to be listed: the first of equals
    assertEquals(ByteSet.of("$"), new Rx("\\$\\{jndi").requiredBytes());
    assertEquals(ByteSet.of("kK"), new Rx("(?i)nikto").requiredBytes());
  }

  @Test
  void withoutARequiredLiteralOrWithThePrefilterOffEveryByteCounts() {
    assertTrue(new Rx("^.*$").requiredBytes().isAll());
    assertTrue(new Rx("<script", false).requiredBytes().isAll());
  }
}
