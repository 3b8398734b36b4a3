package io.bastion.security.waf.transformations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Table-driven: each transformation's output, and that an unchanged input comes back as the same instance. */
class TransformationsTest {

  private static final Transformations REGISTRY = Transformations.standard();

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("lowercase", "SeLeCt \u00c9", "select \u00c9"),
        Arguments.of("uppercase", "select", "SELECT"),
        Arguments.of("urlDecode", "a%20b+c%2", "a b c%2"),
        Arguments.of("urlDecode", "%3Cscript%3e", "<script>"),
        Arguments.of("urlDecodeUni", "%u0041%uff1c%41", "A<A"),
        Arguments.of("urlDecodeUni", "%u12", "%u12"),
        Arguments.of("htmlEntityDecode", "&lt;a&gt;&#x41;&#66;&quot;&amp", "<a>AB\"&"),
        Arguments.of("htmlEntityDecode", "&#x3cscript", "<script"),
        Arguments.of("htmlEntityDecode", "&unknown;", "&unknown;"),
        Arguments.of("jsDecode", "\\x41\\u0042\\n\\101\\'", "AB\nA'"),
        Arguments.of("cssDecode", "\\61 \\62\\\nc\\z", "abcz"),
        Arguments.of("escapeSeqDecode", "\\x41\\t\\101\\q", "A\tA\\q"),
        Arguments.of("base64Decode", "c2VsZWN0", "select"),
        Arguments.of("base64Decode", "c2Vs.ZWN0", "sel"),
        Arguments.of("base64DecodeExt", "c2Vs.ZWN0", "select"),
        Arguments.of("hexDecode", "414243", "ABC"),
        Arguments.of("hexEncode", "AB", "4142"),
        Arguments.of("sqlHexDecode", "0x414243 x", "ABC x"),
        Arguments.of("removeNulls", "a\0b", "ab"),
        Arguments.of("replaceNulls", "a\0b", "a b"),
        Arguments.of("removeWhitespace", " a \t b\u00a0c ", "abc"),
        Arguments.of("compressWhitespace", "a  \t\n b", "a b"),
        Arguments.of("removeComments", "sel/*x*/ect -- rest", "select "),
        Arguments.of("removeComments", "a<!-- b -->c#d\ne", "ac\ne"),
        Arguments.of("replaceComments", "sel/*x*/ect /* open", "sel ect  "),
        Arguments.of("removeCommentsChar", "a/*b*/c--d#e", "abcde"),
        Arguments.of("cmdLine", "C^a\"t /ETC/pass'wd ; ls , x", "cat/etc/passwd ls x"),
        Arguments.of("normalizePath", "/a/./b/../c//d/", "/a/c/d/"),
        Arguments.of("normalizePath", "../../etc/passwd", "../../etc/passwd"),
        Arguments.of("normalizePathWin", "c:\\a\\..\\b", "c:/b"),
        Arguments.of("utf8toUnicode", "a\u00c3\u00a9b", "a%u00e9b"),
        Arguments.of("length", "hello", "5"),
        Arguments.of("trim", "  a b  ", "a b"),
        Arguments.of("trimLeft", "  a ", "a "),
        Arguments.of("trimRight", "  a ", "  a"));
  }

  @ParameterizedTest(name = "t:{0} {1}")
  @MethodSource("cases")
  void transforms(String name, String input, String expected) {
    Transformation t = REGISTRY.get(name);
    assertNotNull(t, name);
    assertEquals(expected, t.transform(input));
  }

  static Stream<Arguments> unchanged() {
    return Stream.of(Arguments.of("lowercase", "abc"), Arguments.of("urlDecodeUni", "plain"),
        Arguments.of("htmlEntityDecode", "plain"), Arguments.of("jsDecode", "plain"),
        Arguments.of("compressWhitespace", "a b"), Arguments.of("removeNulls", "ab"),
        Arguments.of("normalizePath", "/a/b"), Arguments.of("utf8toUnicode", "ascii"),
        Arguments.of("cmdLine", "ls -la"), Arguments.of("trim", "x"));
  }

  @ParameterizedTest(name = "t:{0} leaves {1} alone")
  @MethodSource("unchanged")
  void reportsNoChangeWithTheSameInstance(String name, String input) {
    assertSame(input, REGISTRY.get(name).transform(input));
  }

  @ParameterizedTest(name = "t:sha1 / t:md5")
  @MethodSource("digests")
  void digests(String name, String hex) {
    String d = REGISTRY.get(name).transform("abc");
    assertEquals(hex, REGISTRY.get("hexEncode").transform(d));
  }

  static Stream<Arguments> digests() {
    return Stream.of(Arguments.of("sha1", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        Arguments.of("md5", "900150983cd24fb0d6963f7d28e17f72"));
  }

  /**
   * The one-read "unchanged" checks of cmdLine, normalizePath and compressWhitespace agree with the full
   * transformation.
   */
  @org.junit.jupiter.api.Test
  void fastUnchangedChecksAgreeWithTheFullTransformation() {
    java.util.Random random = new java.util.Random(7);
    String alphabet = "ab/.\\ (,;\"'^A\t\n:-_0\r\f\u000b\u00a0  ";
    NormalizePath unix = new NormalizePath(false);
    NormalizePath win = new NormalizePath(true);
    CmdLine cmd = new CmdLine();
    CompressWhitespace compress = new CompressWhitespace();
    for (int n = 0; n < 20000; n++) {
      StringBuilder sb = new StringBuilder();
      for (int i = random.nextInt(12); i > 0; i--) {
        sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String in = sb.toString();
      assertAgrees(in, cmd.transform(in), CmdLine.normalise(in));
      assertAgrees(in, unix.transform(in), unix.normalise(in));
      assertAgrees(in, win.transform(in), win.normalise(in));
      assertAgrees(in, compress.transform(in), CompressWhitespace.compress(in));
      String out = cmd.transform(in);
      if (out != in) {
        assertEquals(out.equals(asciiLowerCase(in)), cmd.changesOnlyAsciiCase(in, out), in);
      }
    }
    for (String in : new String[] {"/fhir/Observation", "a/b/", "/", "", "x/.y", "./a", "a//b", "a/../b", ".."}) {
      assertAgrees(in, unix.transform(in), unix.normalise(in));
    }
  }

  private static String asciiLowerCase(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      sb.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
    }
    return sb.toString();
  }

  private static void assertAgrees(String in, String fast, String full) {
    assertEquals(full, fast, in);
    assertEquals(full == in, fast == in, in);
  }
}
