package io.bastion.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** JsonStrings writes what Jackson (Json.encode) writes for a string, and it parses back to the same string. */
class JsonStringsTest {

  @ParameterizedTest
  @ValueSource(strings = {"", "plain", "1970-01-01", "quote \" and backslash \\ and slash /", "Zoë Müller 東京 🙂",
      "tab\tnew\nline\rfeed\fback\b", "\u0000\u0001\u001f\u007f\u2028", "\"", "\\", "ends with \\"})
  void quotesAsJacksonDoes(String value) {
    assertEquals(Json.encode(value), quoted(value));
    assertEquals(value, Json.decodeValue(quoted(value)));
  }

  private static String quoted(String value) {
    return JsonStrings.appendQuoted(new StringBuilder(), value).toString();
  }

  @Test
  void everyCharacterBelowTheFirstSurrogate() {
    StringBuilder all = new StringBuilder();
    for (char c = 0; c < 0xD800; c++) {
      all.append(c);
    }
    String value = all.toString();
    assertEquals(Json.encode(value), quoted(value));
    assertEquals("x\"a\"", JsonStrings.appendQuoted(new StringBuilder("x"), "a").toString());
  }
}
