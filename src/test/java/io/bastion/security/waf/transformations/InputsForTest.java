package io.bastion.security.waf.transformations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Transformation#inputsFor} is what lets a rule skip a value untransformed, so it must never be too narrow:
 * for every byte of every output, the input holds a byte of {@code inputsFor} of that byte. Likewise
 * {@link Transformation#changes}: a value holding none of those bytes must come back unchanged. Checked over random
 * values dense in what the decoders act on (escapes, entities, whitespace, NUL, dots and slashes, both cases).
 */
class InputsForTest {

  private static final Transformations REGISTRY = Transformations.standard();
  /** Bytes the transformations treat specially, plus a few plain ones, so random values hit every branch. */
  private static final String ALPHABET = "%+&#;\\xXuU0123456789aAbBcCfFqQnNtTrRvV\0 \t\n\r\u000b\f\u00a0,'\"^/.()lgmp\u00e9"
      + "*-<!>\u00c3\u00a9\u0080\u00e2\u0082\u00ac\u00f0\u009f";

  static Stream<String> described() {
    return Stream.of("urlDecode", "urlDecodeUni", "htmlEntityDecode", "jsDecode", "removeNulls", "replaceNulls",
        "compressWhitespace", "lowercase", "cmdLine", "normalizePath", "normalizePathWin", "utf8toUnicode",
        "cssDecode", "escapeSeqDecode", "removeWhitespace", "removeComments", "replaceComments",
        "removeCommentsChar");
  }

  @ParameterizedTest(name = "t:{0}")
  @MethodSource("described")
  void everyOutputByteComesFromAnInputByteItNames(String name) {
    Transformation t = REGISTRY.get(name);
    for (String in : values(new Random(name.hashCode()), 20_000)) {
      String out = t.transform(in);
      ByteSet held = ByteSet.of(in);
      for (int k = 0; k < out.length(); k++) {
        char c = out.charAt(k);
        ByteSet needed = t.inputsFor(ByteSet.NONE.with(c));
        assertTrue(needed.meets(held.w0, held.w1, held.w2, held.w3),
            () -> "t:" + name + " made " + (int) c + " of " + escape(in) + " without any of " + needed);
      }
    }
  }

  @ParameterizedTest(name = "t:{0}")
  @MethodSource("described")
  void aValueHoldingNoneOfTheBytesThatChangeItComesBackAsItIs(String name) {
    Transformation t = REGISTRY.get(name);
    ByteSet changers = t.changes();
    int untouched = 0;
    for (String in : values(new Random(~name.hashCode()), 20_000)) {
      ByteSet held = ByteSet.of(in);
      if (!changers.meets(held.w0, held.w1, held.w2, held.w3)) {
        assertSame(in, t.transform(in), () -> "t:" + name + " changed " + escape(in) + " holding none of " + changers);
        untouched++;
      }
    }
    assertTrue(untouched > 100, "t:" + name + ": the values must exercise the claim");
  }

  @ParameterizedTest(name = "t:{0}")
  @MethodSource("described")
  void keepsWhatItWasAskedFor(String name) {
    ByteSet asked = ByteSet.of("<'a Z/ ");
    ByteSet in = REGISTRY.get(name).inputsFor(asked);
    assertEquals(in, in.union(asked), "t:" + name + " dropped a byte it keeps: " + in);
  }

  @Test
  void aChainWidensStepByStepAndAnUndescribedStepGivesUp() {
    TransformChains chains = new TransformChains();
    TransformChain decode = chains.intern(List.of(REGISTRY.get("urlDecodeUni"), REGISTRY.get("htmlEntityDecode")));
    assertEquals(ByteSet.of("<%&"), decode.inputsFor(ByteSet.of("<")));
    TransformChain lower = chains.intern(List.of(REGISTRY.get("cmdLine")));
    assertEquals(ByteSet.of(" ,;\t\r\nxX"), lower.inputsFor(ByteSet.of(" x")));
    TransformChain base64 = chains.intern(List.of(REGISTRY.get("base64Decode"), REGISTRY.get("lowercase")));
    assertTrue(base64.inputsFor(ByteSet.of("<")).isAll());
    assertEquals(ByteSet.of("<"), chains.intern(List.of()).inputsFor(ByteSet.of("<")));
  }

  @Test
  void byteSetsFoldCaseAndTellMembership() {
    ByteSet s = ByteSet.of("aZ\u00ff");
    assertEquals(ByteSet.of("aAzZ\u00ff"), s.withBothCases());
    assertTrue(s.contains(0xff) && !s.contains('A'));
    assertTrue(ByteSet.of("\u0100").isAll());
    ByteSet held = ByteSet.of("hello");
    assertTrue(ByteSet.of("xyzo").meets(held.w0, held.w1, held.w2, held.w3));
    assertTrue(!ByteSet.of("xyz").meets(held.w0, held.w1, held.w2, held.w3));
  }

  private static List<String> values(Random random, int count) {
    List<String> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      StringBuilder sb = new StringBuilder();
      int n = random.nextInt(12);
      for (int k = 0; k < n; k++) {
        sb.append(random.nextInt(8) == 0 ? (char) random.nextInt(256) : ALPHABET.charAt(random.nextInt(ALPHABET.length())));
      }
      out.add(sb.toString());
    }
    for (String fixed : new String[] {"..", ".", "a\\..", "%u0041", "%uff1c", "&#x41;", "\\u0042", "+", "&lt;", "\\x41",
        "\u00c3\u00a9", "a\u00e2\u0082\u00acb", "\u00f0\u009f\u0098\u0080", "/*x*/", "<!--x-->", "a--b", "\\41 x"}) {
      out.add(fixed);
    }
    return out;
  }

  private static String escape(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      sb.append(c >= 32 && c < 127 ? String.valueOf(c) : String.format("\\x%02x", (int) c));
    }
    return sb.toString();
  }
}
