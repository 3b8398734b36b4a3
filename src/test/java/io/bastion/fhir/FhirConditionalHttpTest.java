package io.bastion.fhir;

import static io.bastion.fhir.FhirHttp.assertOutcome;
import static io.bastion.fhir.FhirHttp.patient;
import static io.bastion.fhir.FhirHttp.versionId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Conditional create (If-None-Exist), conditional update and delete (Type?criteria), against a real node. */
class FhirConditionalHttpTest {

  private static final String SYSTEM = "urn:test:cond";

  @RegisterExtension
  static final FhirHttp fhir = FhirHttp.onNewNode(Map.of());

  private static JsonObject identified(String family, String value) {
    return patient(family).put("identifier", new JsonArray().add(new JsonObject().put("system", SYSTEM).put("value", value)));
  }

  private static String criteria(String value) {
    return "identifier=" + SYSTEM + "%7C" + value;
  }

  private static int countOf(String value) {
    var found = fhir.get("/fhir/Patient?" + criteria(value) + "&_total=accurate");
    assertEquals(200, found.statusCode(), found.bodyAsString());
    return found.bodyAsJsonObject().getInteger("total");
  }

  @Test
  void conditionalCreateCreatesOnNoMatchAnswersTheOneMatchAndRefusesMany() {
    String value = UUID.randomUUID().toString();
    var first = fhir.send(HttpMethod.POST, "/fhir/Patient", identified("Once", value), Map.of("If-None-Exist", criteria(value)));
    assertEquals(201, first.statusCode(), first.bodyAsString());
    String id = first.bodyAsJsonObject().getString("id");

    var again = fhir.send(HttpMethod.POST, "/fhir/Patient", identified("Twice", value), Map.of("If-None-Exist", criteria(value)));
    assertEquals(200, again.statusCode(), again.bodyAsString());
    assertEquals(id, again.bodyAsJsonObject().getString("id"));
    assertEquals("Once", again.bodyAsJsonObject().getJsonArray("name").getJsonObject(0).getString("family"),
        "nothing was written");
    assertEquals("W/\"1\"", again.getHeader("ETag"));
    assertEquals(1, countOf(value));

    assertEquals(201, fhir.post("/fhir/Patient", identified("Dup", value)).statusCode());
    var many = fhir.send(HttpMethod.POST, "/fhir/Patient", identified("Thrice", value),
        Map.of("If-None-Exist", "Patient?" + criteria(value)));
    assertOutcome(many, 412, "duplicate");
    assertEquals(2, countOf(value));
  }

  @Test
  void ifNoneExistWithAnUnknownParameterOrNoParameterIs400() {
    var unknown = fhir.send(HttpMethod.POST, "/fhir/Patient", patient("Bad"), Map.of("If-None-Exist", "no-such-param=1"));
    assertEquals(400, unknown.statusCode(), unknown.bodyAsString());
    var empty = fhir.send(HttpMethod.POST, "/fhir/Patient", patient("Bad"), Map.of("If-None-Exist", "_count=1"));
    assertOutcome(empty, 400, "invalid");
  }

  @Test
  void conditionalUpdateCreatesUpdatesOrRefuses() {
    String value = UUID.randomUUID().toString();
    var created = fhir.put("/fhir/Patient?" + criteria(value), identified("New", value));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    String id = created.bodyAsJsonObject().getString("id");

    var updated = fhir.put("/fhir/Patient?" + criteria(value), identified("Updated", value));
    assertEquals(200, updated.statusCode(), updated.bodyAsString());
    assertEquals(id, updated.bodyAsJsonObject().getString("id"));
    assertEquals("2", versionId(updated.bodyAsJsonObject()));

    var withId = fhir.put("/fhir/Patient?" + criteria(value), identified("Again", value).put("id", id));
    assertEquals(200, withId.statusCode(), withId.bodyAsString());
    assertEquals("3", versionId(withId.bodyAsJsonObject()));

    var stale = fhir.send(HttpMethod.PUT, "/fhir/Patient?" + criteria(value), identified("Stale", value),
        Map.of("If-Match", "W/\"1\""));
    assertEquals(412, stale.statusCode(), stale.bodyAsString());

    var mismatch = fhir.put("/fhir/Patient?" + criteria(value), identified("Other", value).put("id", "someone-else"));
    assertOutcome(mismatch, 400, "invalid");

    assertEquals(201, fhir.post("/fhir/Patient", identified("Dup", value)).statusCode());
    assertOutcome(fhir.put("/fhir/Patient?" + criteria(value), identified("Many", value)), 412, "duplicate");
    assertEquals(2, countOf(value));
  }

  @Test
  void conditionalUpdateWithNoMatchUsesTheBodysIdWhenFree() {
    String value = UUID.randomUUID().toString();
    String clientId = "cond-" + value.substring(0, 8);
    var created = fhir.put("/fhir/Patient?" + criteria(value), identified("ClientId", value).put("id", clientId));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    assertEquals(clientId, created.bodyAsJsonObject().getString("id"));

    String other = UUID.randomUUID().toString();
    var taken = fhir.put("/fhir/Patient?" + criteria(other), identified("Taken", other).put("id", clientId));
    assertOutcome(taken, 409, "conflict");
    assertEquals("ClientId", fhir.get("/fhir/Patient/" + clientId).bodyAsJsonObject().getJsonArray("name")
        .getJsonObject(0).getString("family"), "the resource under that id is not replaced");
    assertOutcome(fhir.put("/fhir/Patient", patient("NoCriteria")), 400, "invalid");
  }

  @Test
  void conditionalDeleteDeletesNothingOneOrRefusesMany() {
    String value = UUID.randomUUID().toString();
    assertEquals(204, fhir.delete("/fhir/Patient?" + criteria(value)).statusCode());

    String id = fhir.create(identified("Doomed", value)).getString("id");
    var deleted = fhir.delete("/fhir/Patient?" + criteria(value));
    assertEquals(204, deleted.statusCode(), deleted.bodyAsString());
    assertEquals(410, fhir.get("/fhir/Patient/" + id).statusCode());

    fhir.create(identified("A", value));
    fhir.create(identified("B", value));
    assertOutcome(fhir.delete("/fhir/Patient?" + criteria(value)), 412, "duplicate");
    assertEquals(2, countOf(value));
    assertEquals(400, fhir.delete("/fhir/Patient?no-such-param=1").statusCode());
  }

  @Test
  void conditionalWritesAreAudited() throws Exception {
    String value = UUID.randomUUID().toString();
    var created = fhir.send(HttpMethod.POST, "/fhir/Patient", identified("Audit", value), Map.of("If-None-Exist", criteria(value)));
    String id = created.bodyAsJsonObject().getString("id");
    assertEquals(200, fhir.send(HttpMethod.POST, "/fhir/Patient", identified("Audit", value),
        Map.of("If-None-Exist", criteria(value))).statusCode());
    assertEquals(200, fhir.put("/fhir/Patient?" + criteria(value), identified("Audit2", value)).statusCode());
    assertEquals(204, fhir.delete("/fhir/Patient?" + criteria(value)).statusCode());
    List<String> interactions = FhirAuditHttpTest.eventsFor(fhir.node(), id).stream()
        .map(e -> e.getJsonArray("subtype").getJsonObject(0).getString("code") + " " + e.getString("action") + " "
            + e.getString("outcome")).toList();
    assertEquals(List.of("create C 0", "create C 0", "update U 0", "delete D 0"), interactions);
    assertNotEquals(0, interactions.size());
    assertTrue(interactions.stream().allMatch(i -> i.endsWith(" 0")));
  }

  private static JsonObject entry(String method, String url, JsonObject resource) {
    JsonObject entry = new JsonObject().put("request", new JsonObject().put("method", method).put("url", url));
    return resource == null ? entry : entry.put("resource", resource);
  }

  private static JsonObject bundle(String type, JsonObject... entries) {
    return new JsonObject().put("resourceType", "Bundle").put("type", type).put("entry", new JsonArray(List.of(entries)));
  }

  private static String status(io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> response, int index) {
    return response.bodyAsJsonObject().getJsonArray("entry").getJsonObject(index).getJsonObject("response")
        .getString("status");
  }

  @Test
  void bundleEntriesPutAndDeleteByCriteria() {
    String value = UUID.randomUUID().toString();
    String url = "Patient?" + criteria(value);
    var created = fhir.post("/fhir", bundle("transaction", entry("PUT", url, identified("InBundle", value))));
    assertEquals(200, created.statusCode(), created.bodyAsString());
    assertEquals("201 Created", status(created, 0));
    var updated = fhir.post("/fhir", bundle("batch", entry("PUT", url, identified("InBundle2", value))));
    assertEquals("200 OK", status(updated, 0), updated.bodyAsString());
    assertEquals(1, countOf(value));

    var mismatch = fhir.post("/fhir", bundle("transaction", entry("PUT", url, identified("X", value).put("id", "nope"))));
    assertTrue(assertOutcome(mismatch, 400, "invalid").encode().contains("Bundle.entry[0]"));

    fhir.create(identified("Dup", value));
    var many = fhir.post("/fhir", bundle("transaction", entry("DELETE", url, null)));
    assertOutcome(many, 412, "duplicate");
    assertEquals(2, countOf(value));

    String other = UUID.randomUUID().toString();
    fhir.create(identified("Single", other));
    var deleted = fhir.post("/fhir", bundle("transaction", entry("DELETE", "Patient?" + criteria(other), null),
        entry("DELETE", "Patient?" + criteria(UUID.randomUUID().toString()), null)));
    assertEquals(200, deleted.statusCode(), deleted.bodyAsString());
    assertEquals("204 No Content", status(deleted, 0));
    assertEquals("204 No Content", status(deleted, 1));
    assertEquals(0, countOf(other));
  }
}
