package io.bastion.fhir;

import io.bastion.NodeInfo;
import io.bastion.fhir.search.SearchParamType;
import io.bastion.fhir.search.SearchParameter;
import io.bastion.fhir.search.SearchParameters;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * The CapabilityStatement at /fhir/metadata. It lists exactly what this node implements: the instance
 * and type interactions on every R4 type, system history, JSON only, JSON Patch, and type-level search with
 * the parameters each type actually has in the search index, and batch/transaction Bundles. Conditional
 * interactions outside Bundles and XML are absent until they exist.
 */
final class CapabilityStatementBuilder {

  static final List<String> TYPE_INTERACTIONS =
      List.of("read", "vread", "update", "patch", "delete", "history-instance", "history-type", "create",
          "search-type");

  static final String TRANSACTION_DOC = "POST [base] with a transaction Bundle: all-or-nothing in one database "
      + "transaction; entries GET (read, vread, search), POST (with ifNoneExist), PUT and PATCH (Binary JSON Patch) "
      + "by Type/id with ifMatch, DELETE by Type/id; PUT and DELETE by Type?params (conditional, single match); "
      + "urn:uuid fullUrls rewritten; "
      + "at most " + FhirLimits.DEFAULT_MAX_BUNDLE_ENTRIES + " entries";
  static final String BATCH_DOC = "POST [base] with a batch Bundle: the same entries as a transaction, each "
      + "processed on its own with its own response status";
  static final String EXPORT_DOC = "Bulk Data $export (GET, Prefer: respond-async): _type, _since, _outputFormat "
      + "application/fhir+ndjson; poll the Content-Location, download NDJSON, DELETE to cancel";

  private CapabilityStatementBuilder() {
  }

  static JsonObject build(NodeInfo node, Iterable<String> types, SearchParameters searchParameters, Instant published) {
    JsonArray resources = new JsonArray();
    for (String type : types) {
      if (AuditEventRoutes.TYPE.equals(type)) {
        resources.add(auditEvent());
        continue;
      }
      JsonArray interactions = new JsonArray();
      TYPE_INTERACTIONS.forEach(code -> interactions.add(new JsonObject().put("code", code)));
      resources.add(new JsonObject()
          .put("type", type)
          .put("interaction", interactions)
          .put("versioning", "versioned-update")
          .put("readHistory", true)
          .put("updateCreate", true)
          .put("conditionalCreate", true)
          .put("conditionalRead", "not-supported")
          .put("conditionalUpdate", true)
          .put("conditionalDelete", "single")
          .put("searchParam", searchParams(type, searchParameters)));
      JsonObject resource = resources.getJsonObject(resources.size() - 1);
      JsonArray includes = includes(type, searchParameters);
      JsonArray revIncludes = revIncludes(type, searchParameters);
      if (!includes.isEmpty()) {
        resource.put("searchInclude", includes);
      }
      if (!revIncludes.isEmpty()) {
        resource.put("searchRevInclude", revIncludes);
      }
      if ("Patient".equals(type)) {
        resource.put("operation", new JsonArray().add(new JsonObject().put("name", "everything")
            .put("definition", "http://hl7.org/fhir/OperationDefinition/Patient-everything")
            .put("documentation", "paged with _count; the Patient and its compartment's current resources"))
            .add(new JsonObject().put("name", "export")
                .put("definition", "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export")
                .put("documentation", EXPORT_DOC)));
      }
    }
    JsonObject rest = new JsonObject()
        .put("mode", "server")
        .put("compartment", new JsonArray().add("http://hl7.org/fhir/CompartmentDefinition/patient"))
        .put("resource", resources)
        .put("interaction", new JsonArray()
            .add(new JsonObject().put("code", "history-system"))
            .add(new JsonObject().put("code", "transaction").put("documentation", TRANSACTION_DOC))
            .add(new JsonObject().put("code", "batch").put("documentation", BATCH_DOC)))
        .put("operation", new JsonArray().add(new JsonObject().put("name", "export")
            .put("definition", "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export")
            .put("documentation", EXPORT_DOC)));
    return new JsonObject()
        .put("resourceType", "CapabilityStatement")
        .put("status", "active")
        .put("date", published.toString())
        .put("kind", "instance")
        .put("software", new JsonObject().put("name", "Bastion").put("version", node.version()))
        .put("implementation", new JsonObject().put("description", "Bastion node " + node.id()))
        .put("fhirVersion", "4.0.1")
        .put("format", new JsonArray().add(FhirFormats.FHIR_JSON).add("json").add(FhirFormats.FHIR_XML).add("xml"))
        .put("patchFormat", new JsonArray().add(FhirFormats.JSON_PATCH))
        .put("rest", new JsonArray().add(rest));
  }

  /** AuditEvent: read and search over the audit chain only (security-officer role when auth is on). */
  private static JsonObject auditEvent() {
    JsonArray params = new JsonArray();
    for (String[] p : new String[][] {{"patient", "reference"}, {"entity", "reference"}, {"agent", "token"},
        {"date", "date"}}) {
      params.add(new JsonObject().put("name", p[0]).put("type", p[1]));
    }
    return new JsonObject().put("type", "AuditEvent")
        .put("documentation", "read-only, served from the tamper-evident audit chain; id = sequence number; "
            + "searches page newest first")
        .put("interaction", new JsonArray().add(new JsonObject().put("code", "read"))
            .add(new JsonObject().put("code", "search-type")))
        .put("versioning", "no-version").put("readHistory", false).put("updateCreate", false)
        .put("searchParam", params);
  }

  private static JsonArray searchParams(String type, SearchParameters parameters) {
    JsonArray params = new JsonArray();
    for (SearchParameter p : parameters.forType(type)) {
      params.add(new JsonObject().put("name", p.code()).put("definition", p.url()).put("type", p.type().code()));
    }
    return params;
  }

  private static JsonArray includes(String type, SearchParameters parameters) {
    JsonArray includes = new JsonArray();
    for (SearchParameter p : parameters.forType(type)) {
      if (p.type() == SearchParamType.REFERENCE) {
        includes.add(type + ":" + p.code());
      }
    }
    return includes;
  }

  /** Source:param for every reference parameter that may point at this type. */
  private static JsonArray revIncludes(String type, SearchParameters parameters) {
    JsonArray revIncludes = new JsonArray();
    for (SearchParameter p : parameters.all()) {
      if (p.type() == SearchParamType.REFERENCE && p.targets().contains(type)) {
        revIncludes.add(p.base() + ":" + p.code());
      }
    }
    return revIncludes;
  }
}
