package io.bastion.fhir;

import static io.bastion.fhir.FhirHttp.assertOutcome;
import static io.bastion.fhir.FhirHttp.patient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Validation against the R4 definitions on every write path of a real node: create, update, JSON Patch
 * results, transaction and batch entries — 422 with every problem and its expression, nothing written.
 */
class FhirStructureValidationHttpTest {

  @RegisterExtension
  static final FhirHttp fhir = FhirHttp.onNewNode(Map.of());

  private static String unique() {
    return "V" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  private static List<String> expressions(JsonArray issues) {
    return issues.stream().map(i -> ((JsonObject) i).getJsonArray("expression").getString(0)).toList();
  }

  private static int total(String query) {
    HttpResponse<Buffer> response = fhir.get("/fhir/" + query + "&_total=accurate");
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getInteger("total");
  }

  private static JsonObject observation(int components) {
    JsonArray list = new JsonArray();
    for (int i = 0; i < components; i++) {
      list.add(new JsonObject()
          .put("code", new JsonObject().put("coding", new JsonArray().add(new JsonObject()
              .put("system", "http://loinc.org").put("code", "8480-" + i))))
          .put("valueQuantity", new JsonObject().put("value", 100 + i).put("unit", "mm[Hg]")
              .put("system", "http://unitsofmeasure.org").put("code", "mm[Hg]")));
    }
    return new JsonObject().put("resourceType", "Observation").put("status", "final")
        .put("code", new JsonObject().put("text", "panel")).put("component", list);
  }

  @Test
  void createReportsEveryProblemWithItsExpression() {
    String family = unique();
    JsonObject bad = patient(family).put("birthDate", "1970-02-30").put("gender", 1).put("nickname", "Ann")
        .put("deceasedBoolean", "no");
    JsonArray issues = assertOutcome(fhir.post("/fhir/Patient", bad), 422, "value");
    assertEquals(List.of("Patient.birthDate", "Patient.gender", "Patient.nickname", "Patient.deceased.ofType(boolean)"),
        expressions(issues), issues.encode());
    assertEquals(0, total("Patient?family:exact=" + family), "nothing was stored");
    assertEquals(201, fhir.post("/fhir/Patient", patient(family)).statusCode(), "the valid form is accepted");
  }

  @Test
  void anObservationWithTwentyComponentsNamesTheBadOne() {
    JsonObject obs = observation(20);
    assertEquals(201, fhir.post("/fhir/Observation", obs).statusCode());
    obs.getJsonArray("component").getJsonObject(7).remove("code");
    obs.getJsonArray("component").getJsonObject(12).getJsonObject("valueQuantity").put("value", "high");
    JsonArray issues = assertOutcome(fhir.post("/fhir/Observation", obs), 422, "required");
    assertEquals(List.of("Observation.component[7].code", "Observation.component[12].value.ofType(Quantity).value"),
        expressions(issues));
  }

  @Test
  void updateIsValidatedAfterItsIdChecks() {
    String id = unique();
    assertOutcome(fhir.put("/fhir/Patient/" + id, patient("X").put("id", id).put("active", "yes")), 422, "value");
    assertEquals(404, fhir.get("/fhir/Patient/" + id).statusCode(), "nothing was stored");
    // a request problem (the id) still answers 400 first
    assertOutcome(fhir.put("/fhir/Patient/" + id, patient("X").put("id", "other").put("active", "yes")), 400, "invalid");
    assertEquals(201, fhir.put("/fhir/Patient/" + id, patient("X").put("id", id).put("active", true)).statusCode());
  }

  @Test
  void unparseableJsonIsStill400() {
    assertOutcome(fhir.post("/fhir/Patient", "{\"resourceType\":\"Patient\",\"birthDate\":"), 400, "invalid");
  }

  @Test
  void aPatchWhoseResultIsInvalidIs422AndChangesNothing() {
    JsonObject created = fhir.create(patient(unique()));
    String id = created.getString("id");
    JsonArray patch = new JsonArray()
        .add(new JsonObject().put("op", "replace").put("path", "/birthDate").put("value", "31/01/1970"))
        .add(new JsonObject().put("op", "add").put("path", "/name/0/colour").put("value", "red"));
    JsonArray issues = assertOutcome(fhir.send(HttpMethod.PATCH, "/fhir/Patient/" + id, patch,
        Map.of("Content-Type", "application/json-patch+json")), 422, "value");
    assertEquals(Set.of("Patient.name[0].colour", "Patient.birthDate"), Set.copyOf(expressions(issues)));
    assertEquals("1", FhirHttp.versionId(fhir.get("/fhir/Patient/" + id).bodyAsJsonObject()));
  }

  @Test
  void aTransactionWithOneInvalidEntryCommitsNothingAndNamesTheEntry() {
    String family = unique();
    String patientUrl = "urn:uuid:" + UUID.randomUUID();
    JsonObject good = new JsonObject().put("fullUrl", patientUrl).put("resource", patient(family))
        .put("request", new JsonObject().put("method", "POST").put("url", "Patient"));
    JsonObject obs = observation(3).put("subject", new JsonObject().put("reference", patientUrl));
    obs.getJsonArray("component").getJsonObject(1).put("valueString", "also a string");
    JsonObject bad = new JsonObject().put("resource", obs)
        .put("request", new JsonObject().put("method", "POST").put("url", "Observation"));
    JsonObject transaction = new JsonObject().put("resourceType", "Bundle").put("type", "transaction")
        .put("entry", new JsonArray().add(good).add(bad));
    JsonArray issues = assertOutcome(fhir.post("/fhir", transaction), 422, "structure");
    assertEquals(List.of("Bundle.entry[1].resource.component[1].value"), expressions(issues));
    assertTrue(issues.getJsonObject(0).getString("diagnostics").startsWith("Bundle.entry[1]"), issues.encode());
    assertEquals(0, total("Patient?family:exact=" + family), "the valid entry was rolled back");
  }

  @Test
  void aBatchAnswersTheInvalidEntryAloneWith422() {
    String family = unique();
    JsonObject good = new JsonObject().put("resource", patient(family))
        .put("request", new JsonObject().put("method", "POST").put("url", "Patient"));
    JsonObject bad = new JsonObject().put("resource", patient(family).put("birthDate", "soon"))
        .put("request", new JsonObject().put("method", "POST").put("url", "Patient"));
    HttpResponse<Buffer> response = fhir.post("/fhir", new JsonObject().put("resourceType", "Bundle").put("type", "batch")
        .put("entry", new JsonArray().add(good).add(bad)));
    assertEquals(200, response.statusCode(), response.bodyAsString());
    JsonArray entries = response.bodyAsJsonObject().getJsonArray("entry");
    assertTrue(entries.getJsonObject(0).getJsonObject("response").getString("status").startsWith("201"));
    JsonObject failed = entries.getJsonObject(1).getJsonObject("response");
    assertTrue(failed.getString("status").startsWith("422"), failed.encode());
    assertEquals("Bundle.entry[1].resource.birthDate", failed.getJsonObject("outcome").getJsonArray("issue")
        .getJsonObject(0).getJsonArray("expression").getString(0));
    assertEquals(1, total("Patient?family:exact=" + family));
  }
}
