package io.bastion.fhir.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.fhir.seed.SyntheticPatients;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The compiled FHIRPath (parsed once per expression) and the ASCII fast path of {@link Normalizer} give
 * exactly what the original interpreter and the general normaliser give: every expression and component of
 * the table over the R4 examples and a sample of synthetic patients.
 */
class FhirPathCompiledTest {

  private static final SearchParameters PARAMETERS = SearchParameters.r4();

  @Test
  void compiledExpressionsAgreeWithTheInterpreter() {
    List<JsonObject> resources = new ArrayList<>();
    for (String example : List.of("auditevent-example", "condition-example", "documentreference-example",
        "encounter-example", "medicationrequest-example", "observation-example-bloodpressure", "patient-example")) {
      resources.add(example(example));
    }
    for (int n = 0; n < 40; n++) {
      new SyntheticPatients(7).patient(n).forEach(r -> resources.add(r.resource()));
    }
    int compared = 0;
    int nonEmpty = 0;
    for (JsonObject resource : resources) {
      for (SearchParameter p : PARAMETERS.forType(resource.getString("resourceType"))) {
        List<FhirPath.Value> expected = FhirPathInterpreter.evaluate(resource, p.expression());
        assertEquals(expected, FhirPath.evaluate(resource, p.expression()), p.base() + "." + p.code());
        compared++;
        nonEmpty += expected.isEmpty() ? 0 : 1;
        for (FhirPath.Value context : expected) {
          for (SearchParameter.Component c : p.components()) {
            assertEquals(FhirPathInterpreter.evaluateRelative(context.value(), c.expression()),
                FhirPath.evaluateRelative(context.value(), c.expression()), p.code() + " component " + c.expression());
          }
        }
      }
    }
    assertTrue(compared > 10_000 && nonEmpty > 2_000, compared + " expressions, " + nonEmpty + " with values");
  }

  @Test
  void asciiFastPathNormalisesAsTheGeneralForm() {
    SplittableRandom random = new SplittableRandom(3);
    String alphabet = "aZ09 \t\n\u000B\f\r\u0001\u001F~-_.'";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder s = new StringBuilder();
      for (int n = random.nextInt(0, 12); n > 0; n--) {
        s.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      assertEquals(Normalizer.normalizeUnicode(s.toString()), Normalizer.normalize(s.toString()), "[" + s + "]");
    }
    assertEquals("muller o'brien", Normalizer.normalize("  Müller \t O'Brien "));
    assertEquals(Normalizer.MAX_LENGTH, Normalizer.normalize("x".repeat(300)).length());
  }

  private static JsonObject example(String name) {
    try (InputStream in = FhirPathCompiledTest.class.getResourceAsStream("/fhir/examples/" + name + ".json")) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
