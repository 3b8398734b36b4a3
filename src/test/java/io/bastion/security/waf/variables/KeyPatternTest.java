package io.bastion.security.waf.variables;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The string shortcuts of key selectors must give exactly what the regex gives, line terminators included. */
class KeyPatternTest {

  private static final List<String> PATTERNS = List.of("^json\\.", "(?:^|\\.)text\\.div$", "text\\.div$", "^id$",
      "^ID$", "session", "^json\\.", "(?:^|\\.)text\\.div", "^a.b$", "^(?:x|y)$", "foo\\$",
      "MULTIPART_HEADERS_CONTENT_TYPES_*", "paramcounter_.*", "^rfi_parameter_.*", "a\\.*", "ab*$", "x\\\\.*",
      "^id_*", "a\\*");

  private static final List<String> KEYS = List.of("", "json", "json.", "json.name.0.family", "xjson.a", "JSON.a",
      "text.div", "json.text.div", "json.contained.0.text.div", "json.subtext.div", "text.div\n", "text.div\r\n",
      "text.div\n\n", "text.div\r", "text.div\u2028", "text.div\u0085", "a.text.div\n", "text.divx", "id", "id\n",
      "id\r\n", "idx", "xid", "\nid", "session_id", "my-session", "axb", "a.b", "x", "y", "foo$", "text_div",
      "json\u212a", "text.div\n\r", "multipart_headers_content_types", "multipart_headers_content_types_x",
      "tx.multipart_headers_content_type", "paramcounter_", "paramcounter", "xparamcounter_1", "rfi_parameter_a",
      "xrfi_parameter_", "a", "a..", "ab", "abbb", "abc", "x\\y", "x", "id_", "xid_", "a*", "a\\");

  @Test
  void shortcutsAgreeWithTheRegex() {
    for (String regex : PATTERNS) {
      KeyPattern fast = KeyPattern.compile(regex);
      Pattern exact = Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
      for (String key : KEYS) {
        String lower = key.toLowerCase(Locale.ROOT);
        assertEquals(exact.matcher(lower).find(), fast.find(lower), regex + " on " + lower.replace("\n", "\\n"));
      }
    }
  }

  /** A regex pattern's kept answers: asked twice, beyond the bound and for long keys, always the regex's answer. */
  @Test
  void keptAnswersAgreeWithTheRegex() {
    String regex = "^(?!.*\\.name\\.\\d+\\.text$).*(?:^|\\.)(?:text|display)$";
    KeyPattern kept = KeyPattern.compile(regex);
    Pattern exact = Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
    List<String> keys = new java.util.ArrayList<>(List.of("code.text", "name.0.text", "a.display", "display.x",
        "x".repeat(KeyPattern.MAX_KEPT_KEY + 1) + ".text"));
    for (int i = 0; i < KeyPattern.MAX_KEPT + 10; i++) {
      keys.add("k" + i + (i % 3 == 0 ? ".text" : i % 3 == 1 ? ".name." + i + ".text" : ""));
    }
    for (int pass = 0; pass < 2; pass++) {
      for (String key : keys) {
        assertEquals(exact.matcher(key).find(), kept.find(key), key + ", pass " + pass);
      }
    }
  }
}
