package io.bastion.fhir;

import static io.bastion.fhir.FhirHttp.patient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.testsupport.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every FHIR interaction leaves an AuditEvent, with the patient entity, before it is answered. */
class FhirAuditHttpTest {

  @RegisterExtension
  static final FhirHttp fhir = FhirHttp.onNewNode(Map.of());

  /** Who accessed patient X, as one query: the audit events whose patients column holds X, oldest first. */
  static List<JsonObject> eventsFor(TestNode node, String patientId) throws Exception {
    var server = node.node().postgres();
    try (Connection c = DriverManager.getConnection(server.jdbcUrl(), server.options().getUser(),
        server.options().getPassword());
        PreparedStatement s = c.prepareStatement(
            "SELECT entry FROM audit_event WHERE patients @> ARRAY[?]::text[] ORDER BY seq")) {
      s.setString(1, patientId);
      List<JsonObject> events = new ArrayList<>();
      try (ResultSet rows = s.executeQuery()) {
        while (rows.next()) {
          events.add(new JsonObject(rows.getString(1)).getJsonObject("event"));
        }
      }
      return events;
    }
  }

  private static String subtype(JsonObject event) {
    return event.getJsonArray("subtype").getJsonObject(0).getString("code");
  }

  private static boolean hasEntity(JsonObject event, String reference) {
    JsonArray entities = event.getJsonArray("entity");
    for (int i = 0; i < entities.size(); i++) {
      JsonObject what = entities.getJsonObject(i).getJsonObject("what");
      if (what != null && reference.equals(what.getString("reference"))) {
        return true;
      }
    }
    return false;
  }

  @Test
  void createReadAndSearchAreAuditedWithThePatientEntity() throws Exception {
    String patientId = fhir.create(patient("Audited")).getString("id");
    JsonObject observation = new JsonObject().put("resourceType", "Observation").put("status", "final")
        .put("code", new JsonObject().put("text", "weight"))
        .put("subject", new JsonObject().put("reference", "Patient/" + patientId));
    String observationId = fhir.create(observation).getString("id");
    assertEquals(200, fhir.get("/fhir/Patient/" + patientId).statusCode());
    assertEquals(200, fhir.get("/fhir/Observation/" + observationId).statusCode());
    var found = fhir.get("/fhir/Observation?subject=Patient/" + patientId);
    assertEquals(200, found.statusCode(), found.bodyAsString());
    assertEquals(1, found.bodyAsJsonObject().getJsonArray("entry").size());

    List<JsonObject> events = eventsFor(fhir.node(), patientId);
    List<String> interactions = events.stream().map(e -> subtype(e) + " " + e.getString("action")).toList();
    assertEquals(List.of("create C", "create C", "read R", "read R", "search-type E"), interactions);
    for (JsonObject event : events) {
      assertEquals("0", event.getString("outcome"));
      assertEquals("rest", event.getJsonObject("type").getString("code"));
      assertTrue(hasEntity(event, "Patient/" + patientId), event.encode());
      JsonObject agent = event.getJsonArray("agent").getJsonObject(0);
      assertEquals("anonymous", agent.getJsonObject("who").getJsonObject("identifier").getString("value"));
      assertTrue(agent.getJsonObject("network").getString("address").contains("127.0.0.1")
          || agent.getJsonObject("network").getString("address").contains(":"), agent.encode());
    }
    assertTrue(hasEntity(events.get(1), "Observation/" + observationId), events.get(1).encode());
    assertTrue(hasEntity(events.get(3), "Observation/" + observationId), events.get(3).encode());
    String query = events.get(4).getJsonArray("entity").stream().map(JsonObject.class::cast)
        .filter(e -> e.containsKey("query")).findFirst().orElseThrow().getString("query");
    assertTrue(new String(java.util.Base64.getDecoder().decode(query)).startsWith("Observation?subject="));
  }

  @Test
  void aTransactionBundleIsAuditedWithThePatientsItTouched() throws Exception {
    String fullUrl = "urn:uuid:" + java.util.UUID.randomUUID();
    JsonObject bundle = new JsonObject().put("resourceType", "Bundle").put("type", "transaction").put("entry", new JsonArray()
        .add(new JsonObject().put("fullUrl", fullUrl).put("resource", patient("Bundled"))
            .put("request", new JsonObject().put("method", "POST").put("url", "Patient")))
        .add(new JsonObject().put("resource", new JsonObject().put("resourceType", "Observation").put("status", "final")
                .put("code", new JsonObject().put("text", "pulse")).put("subject", new JsonObject().put("reference", fullUrl)))
            .put("request", new JsonObject().put("method", "POST").put("url", "Observation"))));
    var response = fhir.post("/fhir", bundle);
    assertEquals(200, response.statusCode(), response.bodyAsString());
    String location = response.bodyAsJsonObject().getJsonArray("entry").getJsonObject(0)
        .getJsonObject("response").getString("location");
    String patientId = location.split("/")[1];
    List<JsonObject> events = eventsFor(fhir.node(), patientId);
    assertEquals(1, events.size(), events.toString());
    assertEquals("0", events.get(0).getString("outcome"));
    assertEquals("transaction", subtype(events.get(0)));

    var batch = fhir.post("/fhir", bundle.copy().put("type", "batch").put("entry", new JsonArray().add(new JsonObject()
        .put("request", new JsonObject().put("method", "GET").put("url", "Patient/" + patientId)))));
    assertEquals(200, batch.statusCode(), batch.bodyAsString());
    List<JsonObject> after = eventsFor(fhir.node(), patientId);
    assertEquals(2, after.size(), after.toString());
    assertEquals("batch", subtype(after.get(1)), "a batch is recorded as one");
  }

  @Test
  void aMissingResourceIsAuditedAsAFailure() throws Exception {
    var missing = fhir.get("/fhir/Patient/no-such-patient");
    assertEquals(404, missing.statusCode());
    List<JsonObject> events = eventsFor(fhir.node(), "no-such-patient");
    assertEquals(1, events.size());
    JsonObject event = events.get(0);
    assertEquals("read", subtype(event));
    assertNotEquals("0", event.getString("outcome"));
    assertEquals("HTTP 404", event.getString("outcomeDesc"));
  }

  /** Content negotiation answers before the route's guard runs; its refusals are audited all the same. */
  @Test
  void refusalsOfContentNegotiationAreAuditedAsTheInteractionThePathNames() throws Exception {
    String patientId = fhir.create(patient("Negotiated")).getString("id");
    var unservable = fhir.get("/fhir/Patient/" + patientId, Map.of("Accept", "text/plain"));
    assertEquals(406, unservable.statusCode(), unservable.bodyAsString());
    List<JsonObject> events = eventsFor(fhir.node(), patientId);
    JsonObject refused = events.get(events.size() - 1);
    assertEquals("read", subtype(refused));
    assertEquals("4", refused.getString("outcome"));
    assertEquals("HTTP 406", refused.getString("outcomeDesc"));
    assertTrue(hasEntity(refused, "Patient/" + patientId), refused.encode());

    var unreadable = fhir.send(io.vertx.core.http.HttpMethod.PUT, "/fhir/Patient/" + patientId,
        patient("Negotiated").put("id", patientId).encode(), Map.of("Content-Type", "text/plain"));
    assertEquals(415, unreadable.statusCode(), unreadable.bodyAsString());
    events = eventsFor(fhir.node(), patientId);
    refused = events.get(events.size() - 1);
    assertEquals("update", subtype(refused));
    assertEquals("U", refused.getString("action"));
    assertEquals("HTTP 415", refused.getString("outcomeDesc"));
    assertEquals(List.of("create", "read", "update"), events.stream().map(FhirAuditHttpTest::subtype).toList());
  }

  @Test
  void updateAndDeleteAreAudited() throws Exception {
    String patientId = fhir.create(patient("Changing")).getString("id");
    assertEquals(200, fhir.put("/fhir/Patient/" + patientId, patient("Changed").put("id", patientId)).statusCode());
    assertEquals(204, fhir.delete("/fhir/Patient/" + patientId).statusCode());
    assertEquals(410, fhir.get("/fhir/Patient/" + patientId).statusCode());
    List<String> interactions = eventsFor(fhir.node(), patientId).stream()
        .map(e -> subtype(e) + " " + e.getString("action") + " " + e.getString("outcome")).toList();
    assertEquals(List.of("create C 0", "update U 0", "delete D 0", "read R 4"), interactions);
  }

  /** Its own node: the trail is closed, so every append fails and nothing may be answered 200. */
  @Test
  void anAppendFailureAnswers503AndNeverTheData() {
    try (TestNode broken = TestNode.startWithout(Map.of())) {
      FhirHttp http = new FhirHttp(broken);
      String id = http.create(patient("Unaudited")).getString("id");
      broken.node().auditTrail().close().await(10, TimeUnit.SECONDS);
      var read = http.get("/fhir/Patient/" + id);
      assertEquals(503, read.statusCode(), read.bodyAsString());
      assertEquals("OperationOutcome", read.bodyAsJsonObject().getString("resourceType"));
      assertTrue(!read.bodyAsString().contains("Unaudited"), "no PHI in the refusal");
      assertEquals("1", read.getHeader("Retry-After"), "transient: the client may retry");
      assertEquals(503, http.post("/fhir/Patient", patient("Other")).statusCode());
      assertEquals(503, http.get("/fhir/Patient?family=Unaudited").statusCode());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void auditEventsAreReadAndSearchedOverFhirAndAreReadOnly() throws Exception {
    String mine = fhir.create(patient("Searched")).getString("id");
    String other = fhir.create(patient("Other")).getString("id");
    for (int i = 0; i < 3; i++) {
      assertEquals(200, fhir.get("/fhir/Patient/" + mine).statusCode());
    }
    assertEquals(200, fhir.get("/fhir/Patient/" + other).statusCode());

    // who accessed patient X: exactly that patient's events (create + 3 reads), newest first
    var found = fhir.get("/fhir/AuditEvent?patient=" + mine);
    assertEquals(200, found.statusCode(), found.bodyAsString());
    JsonObject bundle = found.bodyAsJsonObject();
    assertEquals("Bundle", bundle.getString("resourceType"));
    JsonArray entries = bundle.getJsonArray("entry");
    assertEquals(4, entries.size(), bundle.encode());
    long previous = Long.MAX_VALUE;
    for (int i = 0; i < entries.size(); i++) {
      JsonObject event = entries.getJsonObject(i).getJsonObject("resource");
      assertEquals("AuditEvent", event.getString("resourceType"));
      assertTrue(hasEntity(event, "Patient/" + mine), event.encode());
      assertTrue(!hasEntity(event, "Patient/" + other), event.encode());
      long seq = Long.parseLong(event.getString("id"));
      assertTrue(seq < previous);
      previous = seq;
      assertTrue(event.getJsonObject("meta").containsKey("lastUpdated"));
    }
    assertEquals("create", subtype(entries.getJsonObject(3).getJsonObject("resource")));
    assertEquals(4, fhir.get("/fhir/AuditEvent?patient=Patient/" + mine).bodyAsJsonObject().getJsonArray("entry").size());
    assertEquals(4, fhir.get("/fhir/AuditEvent?entity=Patient/" + mine).bodyAsJsonObject().getJsonArray("entry").size());
    assertEquals(4, fhir.get("/fhir/AuditEvent?patient=" + mine + "&agent=anonymous&date=ge2000-01-01")
        .bodyAsJsonObject().getJsonArray("entry").size());
    assertEquals(0, fhir.get("/fhir/AuditEvent?patient=" + mine + "&date=lt2000-01-01")
        .bodyAsJsonObject().getJsonArray("entry").size());

    // keyset paging: 3 then 1, the same events in the same order
    JsonObject first = fhir.get("/fhir/AuditEvent?patient=" + mine + "&_count=3").bodyAsJsonObject();
    assertEquals(3, first.getJsonArray("entry").size());
    String next = first.getJsonArray("link").stream().map(JsonObject.class::cast)
        .filter(l -> "next".equals(l.getString("relation"))).findFirst().orElseThrow().getString("url");
    JsonObject second = fhir.get(next.substring(next.indexOf("/fhir/"))).bodyAsJsonObject();
    assertEquals(1, second.getJsonArray("entry").size());
    assertEquals(entries.getJsonObject(3).getJsonObject("resource").getString("id"),
        second.getJsonArray("entry").getJsonObject(0).getJsonObject("resource").getString("id"));
    assertTrue(second.getJsonArray("link").stream().map(JsonObject.class::cast)
        .noneMatch(l -> "next".equals(l.getString("relation"))));

    // read by seq: the stored event with id = seq
    String seq = entries.getJsonObject(0).getJsonObject("resource").getString("id");
    var read = fhir.get("/fhir/AuditEvent/" + seq);
    assertEquals(200, read.statusCode());
    assertEquals(entries.getJsonObject(0).getJsonObject("resource"), read.bodyAsJsonObject());
    assertEquals(404, fhir.get("/fhir/AuditEvent/999999999").statusCode());

    // reading the trail is audited once per request, without the patient entity (no recursion, no noise)
    assertEquals(4, eventsFor(fhir.node(), mine).size());

    // read-only: writes refused with 405 and an OperationOutcome, nothing stored in fhir_resource
    var post = fhir.post("/fhir/AuditEvent", new JsonObject().put("resourceType", "AuditEvent"));
    assertEquals(405, post.statusCode(), post.bodyAsString());
    assertEquals("OperationOutcome", post.bodyAsJsonObject().getString("resourceType"));
    assertEquals(405, fhir.put("/fhir/AuditEvent/" + seq, read.bodyAsJsonObject()).statusCode());
    assertEquals(405, fhir.delete("/fhir/AuditEvent/" + seq).statusCode());
    assertEquals(200, fhir.get("/fhir/AuditEvent/" + seq).statusCode());
    JsonObject transaction = new JsonObject().put("resourceType", "Bundle").put("type", "transaction").put("entry",
        new JsonArray().add(new JsonObject().put("resource", new JsonObject().put("resourceType", "AuditEvent"))
            .put("request", new JsonObject().put("method", "POST").put("url", "AuditEvent"))));
    var viaBundle = fhir.post("/fhir", transaction);
    assertEquals(405, viaBundle.statusCode(), viaBundle.bodyAsString());
  }
}
