package io.bastion.fhir.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.bastion.fhir.FhirJson;
import io.bastion.fhir.FhirLimits;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Validates JSON text as the server does (parsed by FhirJson, so numbers have the types a request gives them)
 * and asserts on the issues, so each test case is one line of JSON and one of expectation.
 */
final class Validation {

  private static final FhirJson JSON = new FhirJson(FhirLimits.withBodyLimit(1 << 20));
  private static final StructureValidator VALIDATOR = new StructureValidator(StructureModel.r4(), ResourceTypes.r4());

  private Validation() {
  }

  /** Single quotes stand for double quotes, so cases read without escapes. */
  static JsonObject parse(String json) {
    return JSON.parseObject(json.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
  }

  static List<JsonObject> issues(String json) {
    JsonObject resource = parse(json);
    return VALIDATOR.validate(resource.getString("resourceType"), resource, false);
  }

  static List<JsonObject> issues(JsonObject resource) {
    return VALIDATOR.validate(resource.getString("resourceType"), resource, false);
  }

  static void assertValid(String json) {
    List<JsonObject> issues = issues(json);
    assertTrue(issues.isEmpty(), () -> "expected valid, got " + describe(issues) + " for " + json);
  }

  /** Exactly one issue, with this expression and code. */
  static JsonObject assertOnly(String json, String expression, String code) {
    List<JsonObject> issues = issues(json);
    assertEquals(1, issues.size(), () -> "expected one issue at " + expression + ", got " + describe(issues));
    return assertIssue(issues, expression, code);
  }

  static JsonObject assertIssue(List<JsonObject> issues, String expression, String code) {
    for (JsonObject issue : issues) {
      if (expression.equals(issue.getJsonArray("expression").getString(0))) {
        assertEquals(code, issue.getString("code"), issue.encode());
        assertEquals("error", issue.getString("severity"));
        assertTrue(issue.getString("diagnostics").startsWith(expression + " "), issue.encode());
        return issue;
      }
    }
    return fail("no issue at " + expression + " in " + describe(issues));
  }

  static String describe(List<JsonObject> issues) {
    return issues.stream().map(i -> i.getJsonArray("expression") + " " + i.getString("code") + ": "
        + i.getString("diagnostics")).collect(Collectors.joining("\n  ", "[\n  ", "\n]"));
  }
}
