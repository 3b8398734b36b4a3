package io.bastion.fhir.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class FhirIdsTest {

  /** The R4 id datatype's regular expression, as the spec gives it. */
  private static final Pattern SPEC = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

  @Test
  void acceptsWhatTheSpecAcceptsAndNothingElse() {
    assertTrue(FhirIds.isValid("a"));
    assertTrue(FhirIds.isValid("f303d013-1989-49b0-ac2f-22923e01ef56"));
    assertTrue(FhirIds.isValid("A.b-9"));
    assertTrue(FhirIds.isValid("x".repeat(64)));
    assertFalse(FhirIds.isValid(null));
    assertFalse(FhirIds.isValid(""));
    assertFalse(FhirIds.isValid("x".repeat(65)));
    assertFalse(FhirIds.isValid("a_b"));
    assertFalse(FhirIds.isValid("a/b"));
    assertFalse(FhirIds.isValid("a b"));
    assertFalse(FhirIds.isValid("é"));
  }

  @Test
  void agreesWithTheSpecRegexOnRandomStrings() {
    Random random = new Random(42);
    String alphabet = "aZ09-._/ %é\u0000\u00ff\u0100:$";
    for (int i = 0; i < 50_000; i++) {
      int length = random.nextInt(70);
      StringBuilder id = new StringBuilder();
      for (int j = 0; j < length; j++) {
        id.append(random.nextInt(4) == 0 ? alphabet.charAt(random.nextInt(alphabet.length()))
            : (char) ('a' + random.nextInt(26)));
      }
      String text = id.toString();
      assertEquals(SPEC.matcher(text).matches(), FhirIds.isValid(text), text);
    }
  }
}
