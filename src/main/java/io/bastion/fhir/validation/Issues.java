package io.bastion.fhir.validation;

import io.bastion.fhir.FhirException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The problems found in one resource, each with the FHIRPath-style expression of where it is. Bounded: a
 * body of thousands of bad elements would otherwise cost an OperationOutcome many times its own size.
 */
final class Issues {

  static final int MAX = 1000;

  private final List<JsonObject> list = new ArrayList<>();
  private boolean truncated;

  void add(String code, String expression, String diagnostics) {
    if (list.size() < MAX) {
      list.add(FhirException.issue("error", code, expression + " " + diagnostics, expression));
    } else {
      truncated = true;
    }
  }

  boolean full() {
    return list.size() >= MAX;
  }

  /** The issues found, ending with a note when the bound cut the list short. */
  List<JsonObject> list() {
    if (!truncated) {
      return list;
    }
    List<JsonObject> all = new ArrayList<>(list);
    all.add(FhirException.issue("information", "too-costly", "more than " + MAX
        + " problems; the rest are not listed", null));
    return all;
  }

  boolean isEmpty() {
    return list.isEmpty();
  }
}
