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

  void add(String code, String expression, String diagnostics) {
    if (list.size() < MAX) {
      list.add(FhirException.issue("error", code, expression + " " + diagnostics, expression));
    }
  }

  boolean full() {
    return list.size() >= MAX;
  }

  /** The issues found; at the bound, validation stopped there, which a last note says. */
  List<JsonObject> list() {
    if (!full()) {
      return list;
    }
    List<JsonObject> all = new ArrayList<>(list);
    all.add(FhirException.issue("information", "too-costly", "validation stopped after " + MAX
        + " problems; there may be more", null));
    return all;
  }

  boolean isEmpty() {
    return list.isEmpty();
  }
}
