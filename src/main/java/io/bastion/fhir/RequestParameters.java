package io.bastion.fhir;

import io.bastion.fhir.validation.ResourceTypes;
import io.bastion.fhir.validation.ResourceValidator;
import io.vertx.ext.web.RoutingContext;

/** The parts of a /fhir request that several interactions read, checked the same way for each. */
final class RequestParameters {

  private final ResourceTypes types;
  private final ResourceValidator validator;
  private final FhirLimits limits;

  RequestParameters(ResourceTypes types, ResourceValidator validator, FhirLimits limits) {
    this.types = types;
    this.validator = validator;
    this.limits = limits;
  }

  /** The path's resource type: 404 unless it is an R4 type. */
  String type(RoutingContext ctx) {
    String type = ctx.pathParam("type");
    if (!types.isKnown(type)) {
      throw FhirException.of(404, "not-found", "the resource type in the path is not an R4 resource type");
    }
    return type;
  }

  /** The path's id: 400 unless it is a FHIR id. */
  String id(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!validator.isValidId(id)) {
      throw FhirException.of(400, "value", "the id in the path is not a FHIR id (1-64 characters of A-Z, a-z, 0-9, '-', '.')");
    }
    return id;
  }

  /** _count: the default when absent, else an integer from 0 to the configured maximum. */
  int count(String text) {
    if (text == null) {
      return limits.defaultCount();
    }
    if (!text.matches("[0-9]{1,9}") || Integer.parseInt(text) > limits.maxCount()) {
      throw FhirException.of(400, "value", "_count must be an integer from 0 to " + limits.maxCount(), "_count");
    }
    return Integer.parseInt(text);
  }
}
