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
  void aPhraseMatchHoldsOneOfThePhrasesBytesAndAValueWithoutAnyCannotMatch() {
    Pm pm = Pm.ofPhrases("passwd .htaccess Boot.INI ${ \u00e9t\u00e9");
    // one byte per phrase, letters in both cases; the "." of .htaccess and Boot.INI stands for both (rarer than h and b)
    assertEquals(ByteSet.of("wW.$\u00e9"), pm.requiredBytes());
    java.util.Random random = new java.util.Random(7);
    String alphabet = "pasWD.htcINObo${}\u00e9 x";
    int matched = 0;
    for (int n = 0; n < 20_000; n++) {
      StringBuilder sb = new StringBuilder();
      for (int k = random.nextInt(14); k > 0; k--) {
        sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String value = random.nextInt(4) == 0 ? sb + "PassWD" : sb.toString();
      ByteSet held = ByteSet.of(value);
      boolean matches = pm.matches(new OperatorsTest.Ctx(), value);
      matched += matches ? 1 : 0;
      assertTrue(!matches || pm.requiredBytes().meets(held.w0, held.w1, held.w2, held.w3), value);
    }
    assertTrue(matched > 1000, "the values must exercise the claim");
    assertTrue(Pm.ofPhrases("ab \u0100").requiredBytes().isAll(), "a phrase of no byte: any value may hold it");
  }

  /**
   * Phrases sharing a byte are covered by it, not each by its own rarest byte: the "/" of file paths (each path's
   * rarest letter would be most of the alphabet), and through a transformation that makes "/" of "." (as
   * t:normalizePath does: ".." becomes "../"), another byte, since "." is in every JSON argument name. Random values
   * show the set sound: every value holding a phrase holds one of the bytes (through the widening, for the second).
   */
  @Test
  void phrasesSharingAByteAreCoveredByItAndTheChoiceWeighsTheChainsWidening() {
    String paths = "etc/passwd etc/shadow boot/grub proc/self/environ usr/bin/id var/log";
    Pm pm = Pm.ofPhrases(paths);
    assertEquals(ByteSet.of("/"), pm.requiredBytes());
    java.util.function.UnaryOperator<ByteSet> slashFromDot = b -> b.contains('/') ? b.with('.') : b;
    ByteSet throughChain = pm.requiredBytes(slashFromDot);
    assertTrue(!throughChain.contains('.'), "'/' would cost every dotted value: " + throughChain);
    java.util.Random random = new java.util.Random(3);
    String alphabet = "etc/passwdhboUgrBINvylmix.. ";
    java.util.List<String> phrases = AhoCorasick.splitPhrases(paths);
    int matched = 0;
    for (int n = 0; n < 20_000; n++) {
      StringBuilder sb = new StringBuilder();
      for (int k = random.nextInt(12); k > 0; k--) {
        sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      if (random.nextInt(3) == 0) {
        sb.insert(random.nextInt(sb.length() + 1), phrases.get(random.nextInt(phrases.size())).toUpperCase());
      }
      String value = sb.toString();
      ByteSet held = ByteSet.of(value);
      boolean matches = pm.matches(new OperatorsTest.Ctx(), value);
      matched += matches ? 1 : 0;
      assertTrue(!matches || pm.requiredBytes().meets(held.w0, held.w1, held.w2, held.w3), value);
      assertTrue(!matches || throughChain.meets(held.w0, held.w1, held.w2, held.w3), value);
    }
    assertTrue(matched > 4000, "the values must exercise the claim: " + matched);
  }

  @Test
  void anAlternationOfLiteralsIsCoveredByTheBytesItsBranchesShare() {
    // each branch's rarest byte would be x, z, k and w; the "/" they all hold is rarer than those four together
    assertEquals(ByteSet.of("/"), new Rx("(?:ax|az|ak|aw)/").requiredBytes());
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

  /**
   * {@code @validateByteRange} and {@code @validateUtf8Encoding} need a byte outside the ranges / above 127: every
   * value either operator matches holds one (random byte strings dense in NUL, controls, high bytes and UTF-8 lead
   * bytes, so both verdicts occur often). Fails if the required bytes are narrower than the operator.
   */
  @Test
  void aValidationOperatorMatchesOnlyValuesHoldingAByteItRequires() {
    java.util.List<Operator> operators = java.util.List.of(new ValidateByteRange("1-255"),
        new ValidateByteRange("9,10,13,32-126"), new ValidateByteRange("32-36,38-126"), new ValidateUtf8Encoding());
    String alphabet = "\0\t\n\r\u001f aZ~\u007f\u0080\u00bf\u00c0\u00c2\u00df\u00e0\u00ed\u00ef\u00f0\u00f4\u00f5\u00ff%&";
    java.util.Random random = new java.util.Random(11);
    for (Operator op : operators) {
      int matched = 0;
      int notMatched = 0;
      for (int n = 0; n < 20_000; n++) {
        StringBuilder sb = new StringBuilder();
        for (int k = random.nextInt(8); k > 0; k--) {
          sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        String value = sb.toString();
        ByteSet held = ByteSet.of(value);
        boolean matches = op.matches(new OperatorsTest.Ctx(), value);
        matched += matches ? 1 : 0;
        notMatched += matches ? 0 : 1;
        assertTrue(!matches || op.requiredBytes().meets(held.w0, held.w1, held.w2, held.w3), op + ": " + value);
      }
      assertTrue(matched > 1000 && notMatched > 1000, op + " must be exercised both ways: " + matched);
    }
    assertEquals(ByteSet.of("\0"), new ValidateByteRange("1-255").requiredBytes());
    assertTrue(new ValidateByteRange("1-255", false).requiredBytes().isAll(), "off: every value is tested");
    assertTrue(new ValidateUtf8Encoding(false).requiredBytes().isAll(), "off: every value is tested");
  }
}
