package io.bastion.security.waf.bodyprocessors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.bastion.security.waf.variables.KeyedValues;
import io.bastion.security.waf.variables.Variable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Table-driven: body, content type, the ARGS_POST it yields; plus the collections and errors. */
class BodyProcessorsTest {

  static final class Sink implements BodyContext {
    final List<String> args = new ArrayList<>();
    final Map<Variable, KeyedValues> collections = new EnumMap<>(Variable.class);
    final Map<Variable, String> scalars = new EnumMap<>(Variable.class);

    @Override
    public void addPostArg(String name, String value) {
      args.add(name + "=" + value);
    }

    @Override
    public KeyedValues collection(Variable v) {
      return collections.computeIfAbsent(v, k -> new KeyedValues());
    }

    @Override
    public void setScalar(Variable v, String value) {
      scalars.put(v, value);
    }
  }

  private static String bytes(String s) {
    return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("URLENCODED", "a=1&b=x+y&c&d=%3C", null, List.of("a=1", "b=x y", "c=", "d=<")),
        Arguments.of("JSON", "{\"a\":{\"b\":[1,\"x\"]},\"t\":true,\"n\":null}", null,
            List.of("json.a.b.0=1", "json.a.b.1=x", "json.t=true", "json.n=")),
        Arguments.of("JSON", "[{\"k\":\"v\"}]", null, List.of("json.0.k=v")),
        // an empty object or array is still a name the client chose; the empty document itself names nothing
        Arguments.of("JSON", "{\"${jndi:x}\":{},\"list\":[],\"o\":{\"e\":[]}}", null,
            List.of("json.${jndi:x}=", "json.list=", "json.o.e=")),
        Arguments.of("JSON", "{}", null, List.of()),
        Arguments.of("JSON", "{\"name\":\"Bénédicte\"}", null, List.of("json.name=" + bytes("Bénédicte"))),
        Arguments.of("MULTIPART", "--B\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nv\r\n--B--\r\n",
            "multipart/form-data; boundary=B", List.of("f=v")));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("cases")
  void parses(String processor, String body, String contentType, List<String> expected) throws Exception {
    Sink sink = new Sink();
    BodyProcessors.standard().get(processor).process(bytes(body), contentType, sink);
    assertEquals(expected, sink.args);
  }

  @Test
  void xmlFillsTextAndAttributesWithoutResolvingEntities() throws Exception {
    Sink sink = new Sink();
    new XmlProcessor().process("<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
        + "<r a=\"1\"><c b=\"two\">text&x;</c></r>", "application/xml", sink);
    KeyedValues xml = sink.collection(Variable.XML);
    assertEquals("text", xml.get("/*"));
    assertEquals(List.of("1", "two"), xml.entries().stream().filter(e -> e.key().equals("//@*"))
        .map(KeyedValues.Entry::value).toList());
  }

  @Test
  void xmlEntityExpansionIsCappedOnEveryDocumentOfAThread() throws Exception {
    String declared = "<!DOCTYPE r [<!ENTITY a \"x\">]><r>";
    String within = declared + "&a;".repeat(XmlProcessor.MAX_ENTITY_EXPANSIONS) + "</r>";
    String beyond = declared + "&a;".repeat(XmlProcessor.MAX_ENTITY_EXPANSIONS + 1) + "</r>";
    for (int document = 0; document < 3; document++) { // the thread's parser is reused: the cap must hold each time
      Sink sink = new Sink();
      new XmlProcessor().process(within, "application/xml", sink);
      assertEquals("x".repeat(XmlProcessor.MAX_ENTITY_EXPANSIONS), sink.collection(Variable.XML).get("/*"));
      assertThrows(BodyParseException.class, () -> new XmlProcessor().process(beyond, "application/xml", new Sink()));
    }
    // a few expansions of a large entity are capped by the entity text they add
    String large = "<!DOCTYPE r [<!ENTITY big \"" + "y".repeat(XmlProcessor.MAX_ENTITY_CHARS / 10) + "\">]><r>"
        + "&big;".repeat(20) + "</r>";
    assertThrows(BodyParseException.class, () -> new XmlProcessor().process(large, "application/xml", new Sink()));
  }

  @Test
  void jsonTextBackToBytesKeepsAsciiAsItIsAndEncodesTheRest() {
    String ascii = "Patient/1 ~!\u007f";
    assertSame(ascii, JsonProcessor.bytes(ascii)); // no copy for the usual value
    assertEquals("\u00c3\u00a9", JsonProcessor.bytes("\u00e9")); // U+00E9 is two UTF-8 bytes, not one
    assertEquals("a\u00e2\u0080\u00a8b", JsonProcessor.bytes("a\u2028b"));
    assertEquals("\u00c2\u0080", JsonProcessor.bytes("\u0080"));
  }

  @Test
  void malformedBodiesAreParseErrors() {
    assertThrows(BodyParseException.class, () -> new JsonProcessor().process("{\"a\":", null, new Sink()));
    assertThrows(BodyParseException.class, () -> new XmlProcessor().process("<a><b></a>", null, new Sink()));
    assertThrows(BodyParseException.class, () -> new MultipartProcessor().process("x", "multipart/form-data",
        new Sink()));
  }

  @Test
  void multipartFilesAndStrictnessFlags() throws Exception {
    Sink sink = new Sink();
    new MultipartProcessor().process("preamble\r\n--B\r\nContent-Disposition: form-data; name=\"up\"; "
        + "filename=\"a.php\"\r\n\r\n<?php\r\n--B\r\n", "multipart/form-data; boundary=\"B\"", sink);
    assertEquals("a.php", sink.collection(Variable.FILES).get("up"));
    assertEquals("5", sink.collection(Variable.FILES_SIZES).get("up"));
    assertEquals("1", sink.scalars.get(Variable.MULTIPART_UNMATCHED_BOUNDARY));
    assertEquals("1", sink.scalars.get(Variable.MULTIPART_BOUNDARY_QUOTED));
    assertEquals("1", sink.scalars.get(Variable.MULTIPART_DATA_BEFORE));
    assertEquals("1", sink.scalars.get(Variable.MULTIPART_STRICT_ERROR));
  }
}
