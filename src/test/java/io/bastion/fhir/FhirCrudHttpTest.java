package io.bastion.fhir;

import static io.bastion.fhir.FhirHttp.assertOutcome;
import static io.bastion.fhir.FhirHttp.patient;
import static io.bastion.fhir.FhirHttp.versionId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** create, read, vread, update (incl. update-as-create and If-Match), delete and 410, against a real node. */
class FhirCrudHttpTest {

  @RegisterExtension
  static final FhirHttp fhir = FhirHttp.onNewNode(Map.of());

  @Test
  void createAssignsIdAndVersionAndAnswersWithHeaders() {
    var response = fhir.post("/fhir/Patient", patient("Create").put("id", "client-chosen")
        .put("meta", new JsonObject().put("versionId", "77").put("lastUpdated", "2001-01-01T00:00:00Z")
            .put("profile", new io.vertx.core.json.JsonArray().add("http://example.org/p"))));
    assertEquals(201, response.statusCode(), response.bodyAsString());
    JsonObject created = response.bodyAsJsonObject();
    String id = created.getString("id");
    assertNotEquals("client-chosen", id, "create ignores the body's id");
    assertTrue(id.matches("[A-Za-z0-9\\-.]{1,64}"));
    assertEquals("1", versionId(created), "meta.versionId is server-controlled");
    assertNotEquals("2001-01-01T00:00:00Z", created.getJsonObject("meta").getString("lastUpdated"));
    assertEquals("http://example.org/p", created.getJsonObject("meta").getJsonArray("profile").getString(0),
        "other meta elements are kept");
    assertEquals("W/\"1\"", response.getHeader("ETag"));
    assertEquals("http://localhost:" + fhir.node().port() + "/fhir/Patient/" + id + "/_history/1", response.getHeader("Location"));
    Instant lastModified = ZonedDateTime.parse(response.getHeader("Last-Modified"), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    Instant lastUpdated = Instant.parse(created.getJsonObject("meta").getString("lastUpdated"));
    assertEquals(lastUpdated.getEpochSecond(), lastModified.getEpochSecond());
    assertTrue(response.getHeader("Content-Type").startsWith("application/fhir+json"));
  }

  @Test
  void readsSearchesAndCreatesKeepTheirRouteTemplatesAndInvalidIdsStillGet400() {
    String id = fhir.post("/fhir/Patient", patient("Routed")).bodyAsJsonObject().getString("id");
    assertEquals(200, fhir.get("/fhir/Patient/" + id).statusCode());
    assertEquals(200, fhir.get("/fhir/Patient?family=Routed").statusCode());
    assertOutcome(fhir.get("/fhir/Patient/not_valid"), 400, "value");
    assertEquals(200, fhir.get("/fhir/Patient/" + id + "/_history").statusCode(), "history is not taken for a read");
    assertEquals("history", fhir.get("/fhir/Patient/_history").bodyAsJsonObject().getString("type"),
        "type history is not taken for a read of id _history");
    assertOutcome(fhir.get("/fhir/Patient/" + "a".repeat(65)), 400, "value");
    assertOutcome(fhir.get("/fhir/Patient/a:b"), 400, "value");
    assertOutcome(fhir.get("/fhir/Patient/_search"), 400, "value");

    // Vert.x labels a request with every route that handled it, joined by '>': the last is the FHIR route
    String metrics = fhir.node().get("/metrics").bodyAsString();
    for (String label : new String[] {"code=\"200\",method=\"GET\",route=\"[^\"]*>/fhir/:type/:id\"",
        "code=\"200\",method=\"GET\",route=\"[^\"]*>/fhir/:type\"", "code=\"201\",method=\"POST\",route=\"[^\"]*>/fhir/:type\"",
        "code=\"400\",method=\"GET\",route=\"[^\"]*>/fhir/:type/:id\""}) {
      assertTrue(java.util.regex.Pattern.compile(label).matcher(metrics).find(), label + " in " + metrics);
    }
    assertFalse(metrics.contains("(?<type>"), "no route is labelled with its regex");
  }

  @Test
  void readReturnsCurrentVersionWithEtagAndKeepsDecimalPrecision() {
    JsonObject observation = new JsonObject().put("resourceType", "Observation").put("status", "final")
        .put("code", new JsonObject().put("text", "weight"));
    var posted = fhir.post("/fhir/Observation", observation.encode().replaceFirst("\\}$", ",\"valueQuantity\":{\"value\":72.50}}"));
    assertEquals(201, posted.statusCode(), posted.bodyAsString());
    String id = posted.bodyAsJsonObject().getString("id");

    var read = fhir.get("/fhir/Observation/" + id);
    assertEquals(200, read.statusCode());
    assertEquals("W/\"1\"", read.getHeader("ETag"));
    assertNotNull(read.getHeader("Last-Modified"));
    JsonObject body = read.bodyAsJsonObject();
    assertEquals("Observation", body.getString("resourceType"));
    assertEquals(id, body.getString("id"));
    assertTrue(read.bodyAsString().replace(" ", "").contains("\"value\":72.50"), "FHIR decimals keep their precision");
  }

  @Test
  void updateMakesNewVersionsAndVreadReturnsEachOne() {
    JsonObject created = fhir.create(patient("Before"));
    String id = created.getString("id");
    var updated = fhir.put("/fhir/Patient/" + id, patient("After").put("id", id));
    assertEquals(200, updated.statusCode(), updated.bodyAsString());
    assertEquals("W/\"2\"", updated.getHeader("ETag"));
    assertEquals("2", versionId(updated.bodyAsJsonObject()));
    assertEquals("http://localhost:" + fhir.node().port() + "/fhir/Patient/" + id + "/_history/2",
        updated.getHeader("Content-Location"));

    assertEquals("After", fhir.get("/fhir/Patient/" + id).bodyAsJsonObject().getJsonArray("name").getJsonObject(0)
        .getString("family"));
    var v1 = fhir.get("/fhir/Patient/" + id + "/_history/1");
    assertEquals(200, v1.statusCode());
    assertEquals("Before", v1.bodyAsJsonObject().getJsonArray("name").getJsonObject(0).getString("family"));
    assertEquals("W/\"1\"", v1.getHeader("ETag"));
    var v2 = fhir.get("/fhir/Patient/" + id + "/_history/2");
    assertEquals("2", versionId(v2.bodyAsJsonObject()));
    assertOutcome(fhir.get("/fhir/Patient/" + id + "/_history/3"), 404, "not-found");
    assertOutcome(fhir.get("/fhir/Patient/" + id + "/_history/x1"), 400, "value");
  }

  @Test
  void updateOfUnknownIdCreatesItUnderTheClientId() {
    var response = fhir.put("/fhir/Patient/client-id-1", patient("Client").put("id", "client-id-1"));
    assertEquals(201, response.statusCode(), response.bodyAsString());
    assertEquals("W/\"1\"", response.getHeader("ETag"));
    assertEquals("http://localhost:" + fhir.node().port() + "/fhir/Patient/client-id-1/_history/1", response.getHeader("Location"));
    assertEquals(200, fhir.get("/fhir/Patient/client-id-1").statusCode());
    var again = fhir.put("/fhir/Patient/client-id-1", patient("Client2").put("id", "client-id-1"));
    assertEquals(200, again.statusCode());
    assertEquals("W/\"2\"", again.getHeader("ETag"));
  }

  @Test
  void ifMatchOnAStaleVersionIs412AndChangesNothing() {
    String id = fhir.create(patient("Match")).getString("id");
    var first = fhir.send(HttpMethod.PUT, "/fhir/Patient/" + id, patient("M2").put("id", id), Map.of("If-Match", "W/\"1\""));
    assertEquals(200, first.statusCode(), first.bodyAsString());
    var stale = fhir.send(HttpMethod.PUT, "/fhir/Patient/" + id, patient("M3").put("id", id), Map.of("If-Match", "W/\"1\""));
    assertOutcome(stale, 412, "conflict");
    assertEquals("2", versionId(fhir.get("/fhir/Patient/" + id).bodyAsJsonObject()));
    var missing = fhir.send(HttpMethod.PUT, "/fhir/Patient/never-there", patient("M").put("id", "never-there"),
        Map.of("If-Match", "W/\"1\""));
    assertOutcome(missing, 412, "conflict");
    assertOutcome(fhir.send(HttpMethod.PUT, "/fhir/Patient/" + id, patient("M").put("id", id), Map.of("If-Match", "yes")),
        400, "invalid");
    assertOutcome(fhir.send(HttpMethod.PUT, "/fhir/Patient/" + id, patient("M").put("id", id),
        Map.of("If-Match", "W/\"99999999999\"")), 400, "invalid");
  }

  @Test
  void deleteIsVersionedThenReadIsGoneAndDeleteAgainIsIdempotent() {
    String id = fhir.create(patient("Delete")).getString("id");
    var deleted = fhir.delete("/fhir/Patient/" + id);
    assertEquals(204, deleted.statusCode());
    assertEquals("W/\"2\"", deleted.getHeader("ETag"));
    assertOutcome(fhir.get("/fhir/Patient/" + id), 410, "deleted");
    assertOutcome(fhir.get("/fhir/Patient/" + id + "/_history/2"), 410, "deleted");
    assertEquals(200, fhir.get("/fhir/Patient/" + id + "/_history/1").statusCode(), "old versions stay readable");
    var again = fhir.delete("/fhir/Patient/" + id);
    assertEquals(204, again.statusCode());
    assertEquals("W/\"2\"", again.getHeader("ETag"), "a second delete writes no version");
    assertOutcome(fhir.delete("/fhir/Patient/no-such-patient"), 404, "not-found");

    var revived = fhir.put("/fhir/Patient/" + id, patient("Revived").put("id", id));
    assertEquals(200, revived.statusCode());
    assertEquals("W/\"3\"", revived.getHeader("ETag"));
  }

  @Test
  void deleteHonoursIfMatch() {
    String id = fhir.create(patient("DeleteMatch")).getString("id");
    var stale = fhir.node().send(HttpMethod.DELETE, "/fhir/Patient/" + id, Map.of("If-Match", "W/\"5\""), null);
    assertOutcome(stale, 412, "conflict");
    assertEquals(200, fhir.get("/fhir/Patient/" + id).statusCode());
    assertEquals(204, fhir.node().send(HttpMethod.DELETE, "/fhir/Patient/" + id, Map.of("If-Match", "W/\"1\""), null).statusCode());
    assertEquals(204, fhir.node().send(HttpMethod.DELETE, "/fhir/Patient/" + id, Map.of("If-Match", "W/\"1\""), null).statusCode(),
        "deleting a deleted resource stays idempotent");
  }

  @Test
  void putWithIfNoneMatchStarOnlyCreates() {
    String path = "/fhir/Patient/inm-star";
    var created = fhir.send(HttpMethod.PUT, path, patient("First").put("id", "inm-star"), Map.of("If-None-Match", "*"));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    var refused = fhir.send(HttpMethod.PUT, path, patient("Second").put("id", "inm-star"), Map.of("If-None-Match", "*"));
    assertOutcome(refused, 412, "conflict");
    JsonObject current = fhir.get(path).bodyAsJsonObject();
    assertEquals("1", versionId(current), "the refused PUT wrote nothing");
    assertEquals("First", current.getJsonArray("name").getJsonObject(0).getString("family"));

    assertEquals(204, fhir.node().send(HttpMethod.DELETE, path, Map.of(), null).statusCode());
    var recreated = fhir.send(HttpMethod.PUT, path, patient("Third").put("id", "inm-star"), Map.of("If-None-Match", "*"));
    assertEquals(200, recreated.statusCode(), "a deleted resource has no current version, so * lets it be re-created");
    assertEquals("W/\"3\"", recreated.getHeader("ETag"));
  }

  @Test
  void putWithIfNoneMatchOnTheCurrentVersionIs412AndOnAnotherWrites() {
    String id = fhir.create(patient("Tagged")).getString("id");
    var refused = fhir.send(HttpMethod.PUT, "/fhir/Patient/" + id, patient("Changed").put("id", id),
        Map.of("If-None-Match", "W/\"7\", \"1\""));
    assertOutcome(refused, 412, "conflict");
    assertEquals("1", versionId(fhir.get("/fhir/Patient/" + id).bodyAsJsonObject()));
    var written = fhir.send(HttpMethod.PUT, "/fhir/Patient/" + id, patient("Changed").put("id", id),
        Map.of("If-None-Match", "W/\"7\""));
    assertEquals(200, written.statusCode(), written.bodyAsString());
    assertEquals("W/\"2\"", written.getHeader("ETag"));
  }

  @Test
  void ifNoneMatchThatIsNotAVersionOrOnAnotherWriteIsRefusedRatherThanIgnored() {
    assertOutcome(fhir.send(HttpMethod.PUT, "/fhir/Patient/inm-bad", patient("X").put("id", "inm-bad"),
        Map.of("If-None-Match", "\"abc\"")), 400, "invalid");
    assertEquals(404, fhir.get("/fhir/Patient/inm-bad").statusCode());
    assertOutcome(fhir.send(HttpMethod.POST, "/fhir/Patient", patient("Posted"), Map.of("If-None-Match", "*")),
        400, "not-supported");
    String id = fhir.create(patient("Kept")).getString("id");
    assertOutcome(fhir.node().send(HttpMethod.DELETE, "/fhir/Patient/" + id, Map.of("If-None-Match", "W/\"9\""), null),
        400, "not-supported");
    assertEquals(200, fhir.get("/fhir/Patient/" + id).statusCode());
  }

  @Test
  void ifNoneMatchOnTheCurrentVersionIs304() {
    String id = fhir.create(patient("Cache")).getString("id");
    var notModified = fhir.get("/fhir/Patient/" + id, Map.of("If-None-Match", "W/\"1\""));
    assertEquals(304, notModified.statusCode());
    assertEquals("W/\"1\"", notModified.getHeader("ETag"));
    assertNull(notModified.body());
    assertEquals(200, fhir.get("/fhir/Patient/" + id, Map.of("If-None-Match", "W/\"9\"")).statusCode());
  }

  @Test
  void ifModifiedSinceAnswers304UnlessTheResourceChangedAfterIt() {
    JsonObject created = fhir.create(patient("Since"));
    String path = "/fhir/Patient/" + created.getString("id");
    String lastModified = fhir.get(path).getHeader("Last-Modified");
    var notModified = fhir.get(path, Map.of("If-Modified-Since", lastModified));
    assertEquals(304, notModified.statusCode(), "the client's copy is as of the last update");
    assertNull(notModified.body());
    assertEquals("W/\"1\"", notModified.getHeader("ETag"));
    assertEquals(200, fhir.get(path, Map.of("If-Modified-Since", "Mon, 01 Jan 2001 00:00:00 GMT")).statusCode());
    assertEquals(200, fhir.get(path, Map.of("If-Modified-Since", "yesterday")).statusCode(), "a bad date is ignored");
    assertEquals(200, fhir.get(path, Map.of("If-Modified-Since", lastModified, "If-None-Match", "W/\"9\""))
        .statusCode(), "If-None-Match decides when both are sent");
    assertEquals(304, fhir.get(path + "/_history/1", Map.of("If-Modified-Since", lastModified)).statusCode(),
        "vread too");
  }

  @Test
  void summaryAndElementsShapeAReadAsTheyShapeASearch() {
    JsonObject created = fhir.create(patient("Shaped").put("text", new JsonObject().put("status", "generated")
        .put("div", "<div xmlns=\"http://www.w3.org/1999/xhtml\">Shaped</div>")));
    String path = "/fhir/Patient/" + created.getString("id");
    JsonObject named = fhir.get(path + "?_elements=name").bodyAsJsonObject();
    assertEquals(created.getJsonArray("name"), named.getJsonArray("name"));
    assertNull(named.getValue("birthDate"), named.encode());
    assertNull(named.getValue("text"), named.encode());
    assertEquals("SUBSETTED", named.getJsonObject("meta").getJsonArray("tag").getJsonObject(0).getString("code"));
    JsonObject data = fhir.get(path + "/_history/1?_summary=data").bodyAsJsonObject();
    assertNull(data.getValue("text"), "_summary=data leaves the narrative out");
    assertEquals(created.getString("birthDate"), data.getString("birthDate"));
    JsonObject summary = fhir.get(path + "?_summary=true").bodyAsJsonObject();
    assertEquals(created.getJsonArray("name"), summary.getJsonArray("name"), "name is a summary element");
    assertNull(summary.getValue("text"));
    assertEquals(created.getJsonObject("text"), fhir.get(path + "?_summary=false").bodyAsJsonObject()
        .getJsonObject("text"), "the whole resource");
    assertOutcome(fhir.get(path + "?_summary=count"), 400, "value");
    assertOutcome(fhir.get(path + "?_elements=na-me"), 400, "value");
  }

  @Test
  void preferReturnChoosesTheBody() {
    var minimal = fhir.send(HttpMethod.POST, "/fhir/Patient", patient("Pref"), Map.of("Prefer", "return=minimal"));
    assertEquals(201, minimal.statusCode());
    assertNull(minimal.body());
    assertNotNull(minimal.getHeader("Location"));
    assertEquals("W/\"1\"", minimal.getHeader("ETag"));

    var representation = fhir.send(HttpMethod.POST, "/fhir/Patient", patient("Pref"),
        Map.of("Prefer", "return=representation"));
    assertEquals("Patient", representation.bodyAsJsonObject().getString("resourceType"));

    var outcome = fhir.send(HttpMethod.POST, "/fhir/Patient", patient("Pref"), Map.of("Prefer", "return=OperationOutcome"));
    assertEquals(201, outcome.statusCode());
    assertEquals("OperationOutcome", outcome.bodyAsJsonObject().getString("resourceType"));
    assertEquals("information", outcome.bodyAsJsonObject().getJsonArray("issue").getJsonObject(0).getString("severity"));

    String id = representation.bodyAsJsonObject().getString("id");
    var updateMinimal = fhir.send(HttpMethod.PUT, "/fhir/Patient/" + id, patient("P2").put("id", id),
        Map.of("Prefer", "return=minimal"));
    assertEquals(200, updateMinimal.statusCode());
    assertNull(updateMinimal.body());
    var deleteOutcome = fhir.node().send(HttpMethod.DELETE, "/fhir/Patient/" + id, Map.of("Prefer", "return=OperationOutcome"), null);
    assertEquals(200, deleteOutcome.statusCode());
    assertEquals("OperationOutcome", deleteOutcome.bodyAsJsonObject().getString("resourceType"));
  }

  @Test
  void notFoundAndGoneBodiesDoNotEchoTheRequest() {
    String marker = "Zq9Xmarker";
    var unknownId = fhir.get("/fhir/Patient/" + marker + "?name=" + marker);
    assertOutcome(unknownId, 404, "not-found");
    assertFalse(unknownId.bodyAsString().contains(marker), unknownId.bodyAsString());
    var unknownType = fhir.get("/fhir/" + marker + "Type/1");
    assertOutcome(unknownType, 404, "not-found");
    assertFalse(unknownType.bodyAsString().contains(marker), unknownType.bodyAsString());

    var created = fhir.put("/fhir/Patient/" + marker, patient(marker).put("id", marker));
    assertEquals(201, created.statusCode());
    assertEquals(204, fhir.delete("/fhir/Patient/" + marker).statusCode());
    var gone = fhir.get("/fhir/Patient/" + marker);
    assertOutcome(gone, 410, "deleted");
    assertFalse(gone.bodyAsString().contains(marker), gone.bodyAsString());
    var missingVersion = fhir.get("/fhir/Patient/" + marker + "/_history/9");
    assertOutcome(missingVersion, 404, "not-found");
    assertFalse(missingVersion.bodyAsString().contains(marker), missingVersion.bodyAsString());
  }
}
