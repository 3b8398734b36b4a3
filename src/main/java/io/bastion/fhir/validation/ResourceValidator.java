package io.bastion.fhir.validation;

import io.bastion.fhir.FhirException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Validates a write body in two levels. First what the request itself depends on: the resource type matches
 * the URL, the id has R4 syntax and matches the URL on update, meta is an object — problems there are the
 * request's (400). Then the resource against the R4 definitions ({@link StructureValidator}: elements,
 * cardinality, primitive formats, choice types, references, extensions, contained resources) — problems there
 * make the resource unprocessable (422). Each level reports every problem it finds in one OperationOutcome.
 */
public final class ResourceValidator {

  private final ResourceTypes types;
  private final StructureValidator structure;

  public ResourceValidator(ResourceTypes types) {
    this.types = types;
    this.structure = new StructureValidator(StructureModel.r4(), types);
  }

  public boolean isValidId(String id) {
    return FhirIds.isValid(id);
  }

  /** A body for create: its id, if any, is replaced by the server's. */
  public void checkForCreate(String type, JsonObject resource) {
    List<JsonObject> issues = new ArrayList<>();
    checkCommon(type, resource, issues);
    throwIfAny(issues, 400);
    throwIfAny(structure.validate(type, resource, true), 422);
  }

  /** A body for update: its id must be present and equal the URL id. */
  public void checkForUpdate(String type, String id, JsonObject resource) {
    List<JsonObject> issues = new ArrayList<>();
    checkCommon(type, resource, issues);
    checkId(id, resource, issues);
    throwIfAny(issues, 400);
    throwIfAny(structure.validate(type, resource, false), 422);
  }

  /** The result of a patch: same checks as update, but problems are the patch's fault, hence 422. */
  public void checkPatched(String type, String id, JsonObject resource) {
    List<JsonObject> issues = new ArrayList<>();
    checkCommon(type, resource, issues);
    checkId(id, resource, issues);
    throwIfAny(issues, 422);
    throwIfAny(structure.validate(type, resource, false), 422);
  }

  private void checkCommon(String type, JsonObject resource, List<JsonObject> issues) {
    Object resourceType = resource.getValue("resourceType");
    if (resourceType == null) {
      issues.add(FhirException.issue("error", "required", "resourceType is missing", "resourceType"));
    } else if (!(resourceType instanceof String name) || !types.isKnown(name)) {
      issues.add(FhirException.issue("error", "not-supported", "resourceType is not a known R4 resource type",
          "resourceType"));
    } else if (!name.equals(type)) {
      issues.add(FhirException.issue("error", "invalid", "resourceType does not match the resource type in the URL ("
          + type + ")", "resourceType"));
    }
    Object meta = resource.getValue("meta");
    if (meta != null && !(meta instanceof JsonObject)) {
      issues.add(FhirException.issue("error", "structure", "meta must be a JSON object", "meta"));
    }
  }

  private void checkId(String urlId, JsonObject resource, List<JsonObject> issues) {
    Object id = resource.getValue("id");
    if (id == null) {
      issues.add(FhirException.issue("error", "required", "the resource has no id; an update must carry the id of the URL",
          "id"));
    } else if (!(id instanceof String text) || !isValidId(text)) {
      issues.add(FhirException.issue("error", "value", "id must be 1-64 characters of A-Z, a-z, 0-9, '-' and '.'", "id"));
    } else if (!text.equals(urlId)) {
      issues.add(FhirException.issue("error", "invalid", "the resource id does not match the id in the URL", "id"));
    }
  }

  private static void throwIfAny(List<JsonObject> issues, int status) {
    if (!issues.isEmpty()) {
      throw FhirException.of(status, issues);
    }
  }
}
