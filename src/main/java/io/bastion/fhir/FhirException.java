package io.bastion.fhir;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A FHIR request that cannot be answered as asked: an HTTP status and the OperationOutcome issues that
 * explain it. Messages never quote request content (ids, values), only what the server expected.
 */
public final class FhirException extends RuntimeException {

  private final int status;
  private final transient JsonArray issues;

  public FhirException(int status, JsonArray issues) {
    super(issues.isEmpty() ? "status " + status : issues.getJsonObject(0).getString("diagnostics"), null, false, false);
    this.status = status;
    this.issues = issues;
  }

  /** One error issue; the expression may be null. */
  public static FhirException of(int status, String code, String diagnostics, String expression) {
    return new FhirException(status, new JsonArray().add(issue("error", code, diagnostics, expression)));
  }

  public static FhirException of(int status, String code, String diagnostics) {
    return of(status, code, diagnostics, null);
  }

  public static FhirException of(int status, List<JsonObject> issues) {
    return new FhirException(status, new JsonArray(List.copyOf(issues)));
  }

  /** An OperationOutcome issue: severity, code (IssueType), diagnostics and an optional FHIRPath expression. */
  public static JsonObject issue(String severity, String code, String diagnostics, String expression) {
    JsonObject issue = new JsonObject().put("severity", severity).put("code", code).put("diagnostics", diagnostics);
    if (expression != null) {
      issue.put("expression", new JsonArray().add(expression));
    }
    return issue;
  }

  public int status() {
    return status;
  }

  public JsonArray issues() {
    return issues.copy();
  }
}
