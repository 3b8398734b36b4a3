package io.bastion.fhir;

import static io.bastion.fhir.FhirHttp.assertOutcome;
import static io.bastion.fhir.FhirHttp.patient;
import static io.bastion.fhir.FhirHttp.versionId;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** PATCH with application/json-patch+json: a new version, If-Match, 422 for failed tests and invalid results. */
class FhirPatchHttpTest {

  private static final Map<String, String> JSON_PATCH = Map.of("Content-Type", "application/json-patch+json");
  @RegisterExtension
  static final FhirHttp fhir = FhirHttp.onNewNode(Map.of());

  @Test
  void patchStoresANewVersion() {
    String id = fhir.create(patient("Patchy")).getString("id");
    JsonArray patch = new JsonArray()
        .add(new JsonObject().put("op", "test").put("path", "/name/0/family").put("value", "Patchy"))
        .add(new JsonObject().put("op", "replace").put("path", "/name/0/family").put("value", "Patched"))
        .add(new JsonObject().put("op", "add").put("path", "/gender").put("value", "female"));
    var response = fhir.send(HttpMethod.PATCH, "/fhir/Patient/" + id, patch, JSON_PATCH);
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertEquals("W/\"2\"", response.getHeader("ETag"));
    JsonObject patched = response.bodyAsJsonObject();
    assertEquals("2", versionId(patched));
    assertEquals("female", patched.getString("gender"));

    JsonObject read = fhir.get("/fhir/Patient/" + id).bodyAsJsonObject();
    assertEquals("Patched", read.getJsonArray("name").getJsonObject(0).getString("family"));
    assertEquals("1970-01-31", read.getString("birthDate"));
    JsonObject history = fhir.get("/fhir/Patient/" + id + "/_history").bodyAsJsonObject();
    assertEquals("PATCH", history.getJsonArray("entry").getJsonObject(0).getJsonObject("request").getString("method"));
  }

  @Test
  void failedTestIs422AndWritesNothing() {
    String id = fhir.create(patient("Tested")).getString("id");
    JsonArray patch = new JsonArray()
        .add(new JsonObject().put("op", "add").put("path", "/gender").put("value", "male"))
        .add(new JsonObject().put("op", "test").put("path", "/name/0/family").put("value", "Other"));
    assertOutcome(fhir.send(HttpMethod.PATCH, "/fhir/Patient/" + id, patch, JSON_PATCH), 422, "processing");
    JsonObject read = fhir.get("/fhir/Patient/" + id).bodyAsJsonObject();
    assertEquals("1", versionId(read));
    assertEquals(null, read.getString("gender"));
  }

  @Test
  void patchThatBreaksTheResourceIs422() {
    String id = fhir.create(patient("Broken")).getString("id");
    JsonArray patch = new JsonArray()
        .add(new JsonObject().put("op", "replace").put("path", "/resourceType").put("value", "Observation"))
        .add(new JsonObject().put("op", "replace").put("path", "/id").put("value", "other-id"));
    var issues = assertOutcome(fhir.send(HttpMethod.PATCH, "/fhir/Patient/" + id, patch, JSON_PATCH), 422, "invalid");
    assertEquals(2, issues.size(), "both problems in one OperationOutcome: " + issues.encode());
  }

  @Test
  void patchHonoursIfMatchAndKnowsMissingAndDeletedResources() {
    String id = fhir.create(patient("Versioned")).getString("id");
    JsonArray patch = new JsonArray().add(new JsonObject().put("op", "add").put("path", "/active").put("value", true));
    assertOutcome(fhir.send(HttpMethod.PATCH, "/fhir/Patient/" + id, patch,
        Map.of("Content-Type", "application/json-patch+json", "If-Match", "W/\"7\"")), 412, "conflict");
    assertEquals(200, fhir.send(HttpMethod.PATCH, "/fhir/Patient/" + id, patch,
        Map.of("Content-Type", "application/json-patch+json", "If-Match", "W/\"1\"")).statusCode());
    assertOutcome(fhir.send(HttpMethod.PATCH, "/fhir/Patient/missing-one", patch, JSON_PATCH), 404, "not-found");
    fhir.delete("/fhir/Patient/" + id);
    assertOutcome(fhir.send(HttpMethod.PATCH, "/fhir/Patient/" + id, patch, JSON_PATCH), 410, "deleted");
  }

  @Test
  void malformedPatchIs400AndOtherPatchFormatsAre415() {
    String id = fhir.create(patient("Formats")).getString("id");
    assertOutcome(fhir.send(HttpMethod.PATCH, "/fhir/Patient/" + id, "{\"op\":\"add\"}", JSON_PATCH), 400, "invalid");
    assertOutcome(fhir.send(HttpMethod.PATCH, "/fhir/Patient/" + id, "[{\"op\":\"add\"", JSON_PATCH), 400, "invalid");
    assertOutcome(fhir.send(HttpMethod.PATCH, "/fhir/Patient/" + id, "[]",
        Map.of("Content-Type", "application/fhir+json")), 415, "not-supported");
  }
}
