package io.bastion.fhir;

import io.bastion.NodeInfo;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * The CapabilityStatement at /fhir/metadata. It lists exactly what this node implements: the instance
 * and type interactions on every R4 type, system history, JSON only, JSON Patch. Search, conditional
 * interactions, batch/transaction and XML are absent until they exist.
 */
final class CapabilityStatementBuilder {

  static final List<String> TYPE_INTERACTIONS =
      List.of("read", "vread", "update", "patch", "delete", "history-instance", "history-type", "create");

  private CapabilityStatementBuilder() {
  }

  static JsonObject build(NodeInfo node, Iterable<String> types, Instant published) {
    JsonArray resources = new JsonArray();
    for (String type : types) {
      JsonArray interactions = new JsonArray();
      TYPE_INTERACTIONS.forEach(code -> interactions.add(new JsonObject().put("code", code)));
      resources.add(new JsonObject()
          .put("type", type)
          .put("interaction", interactions)
          .put("versioning", "versioned-update")
          .put("readHistory", true)
          .put("updateCreate", true)
          .put("conditionalCreate", false)
          .put("conditionalRead", "not-supported")
          .put("conditionalUpdate", false)
          .put("conditionalDelete", "not-supported"));
    }
    JsonObject rest = new JsonObject()
        .put("mode", "server")
        .put("resource", resources)
        .put("interaction", new JsonArray().add(new JsonObject().put("code", "history-system")));
    return new JsonObject()
        .put("resourceType", "CapabilityStatement")
        .put("status", "active")
        .put("date", published.toString())
        .put("kind", "instance")
        .put("software", new JsonObject().put("name", "Bastion").put("version", node.version()))
        .put("implementation", new JsonObject().put("description", "Bastion node " + node.id()))
        .put("fhirVersion", "4.0.1")
        .put("format", new JsonArray().add(FhirFormats.FHIR_JSON).add("json"))
        .put("patchFormat", new JsonArray().add(FhirFormats.JSON_PATCH))
        .put("rest", new JsonArray().add(rest));
  }
}
