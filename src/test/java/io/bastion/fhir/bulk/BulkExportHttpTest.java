package io.bastion.fhir.bulk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.testsupport.TestNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bulk Data $export end to end on a real node (auth off): kick-off, polling, NDJSON downloads, delete. */
class BulkExportHttpTest {

  private static final int PER_FILE = 3;
  private static TestNode node;
  private static ExportHttp export;

  @BeforeAll
  static void start() {
    // small files and a small cursor batch, so a few resources already split files and take several fetches;
    // the WAF in detection-only: the file route's own refusal of a traversal (..%2Fx.ndjson) is under test,
    // which the WAF, in its default on mode, would answer first with 403
    node = TestNode.startWithout(Map.of("fhir.export.max-resources-per-file", Integer.toString(PER_FILE),
        "fhir.export.fetch-size", "2", "waf.mode", "detection-only"));
    export = new ExportHttp(node, null);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static JsonObject create(JsonObject resource) {
    HttpResponse<Buffer> created = node.send(HttpMethod.POST, "/fhir/" + resource.getString("resourceType"),
        Map.of("Content-Type", "application/fhir+json"), resource.toBuffer());
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return created.bodyAsJsonObject();
  }

  private static JsonObject patient(String family) {
    return create(new JsonObject().put("resourceType", "Patient")
        .put("name", new JsonArray().add(new JsonObject().put("family", family))));
  }

  private static JsonObject observation(String subjectId) {
    JsonObject obs = new JsonObject().put("resourceType", "Observation").put("status", "final")
        .put("code", new JsonObject().put("text", "heart rate"));
    if (subjectId != null) {
      obs.put("subject", new JsonObject().put("reference", "Patient/" + subjectId));
    }
    return create(obs);
  }

  private static long total(String type) {
    var found = node.get("/fhir/" + type + "?_summary=count");
    assertEquals(200, found.statusCode(), found.bodyAsString());
    return found.bodyAsJsonObject().getLong("total");
  }

  /** Every output file downloaded, as type → resources. */
  private static Map<String, List<JsonObject>> downloadAll(JsonObject manifest) {
    Map<String, List<JsonObject>> byType = new HashMap<>();
    for (Object o : manifest.getJsonArray("output")) {
      JsonObject output = (JsonObject) o;
      List<JsonObject> resources = export.download(output.getString("url"));
      assertEquals(output.getLong("count"), (long) resources.size(), "the manifest's count is the file's line count");
      assertTrue(resources.size() <= PER_FILE, "files are split at " + PER_FILE + " resources");
      for (JsonObject resource : resources) {
        assertEquals(output.getString("type"), resource.getString("resourceType"));
      }
      byType.computeIfAbsent(output.getString("type"), t -> new ArrayList<>()).addAll(resources);
    }
    return byType;
  }

  private static Set<String> ids(List<JsonObject> resources) {
    Set<String> ids = new HashSet<>();
    resources.forEach(r -> ids.add(r.getString("id")));
    return ids;
  }

  @Test
  void systemExportWritesEveryCurrentResourceOfTheRequestedTypes() throws Exception {
    List<String> patients = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      patients.add(patient("Export" + i).getString("id"));
    }
    String deleted = patient("Deleted").getString("id");
    assertEquals(204, node.send(HttpMethod.DELETE, "/fhir/Patient/" + deleted, Map.of(), null).statusCode());
    List<String> observations = new ArrayList<>();
    for (String id : patients) {
      observations.add(observation(id).getString("id"));
    }
    create(new JsonObject().put("resourceType", "Organization").put("name", "not requested"));
    Instant before = Instant.now();

    JsonObject manifest = export.manifest("/fhir/$export?_type=Patient,Observation&_outputFormat=application%2Ffhir%2Bndjson");
    assertEquals(false, manifest.getBoolean("requiresAccessToken"));
    assertEquals(new JsonArray(), manifest.getJsonArray("error"));
    assertEquals(node.baseUrl() + "/fhir/$export?_type=Patient,Observation&_outputFormat=application%2Ffhir%2Bndjson",
        manifest.getString("request"));
    assertFalse(Instant.parse(manifest.getString("transactionTime")).isBefore(before.minusSeconds(5)));

    Map<String, List<JsonObject>> byType = downloadAll(manifest);
    assertEquals(Set.of("Patient", "Observation"), byType.keySet(), "only the _type types");
    assertEquals(total("Patient"), byType.get("Patient").size(), "every current Patient, once");
    assertEquals(total("Observation"), byType.get("Observation").size());
    assertEquals(byType.get("Patient").size(), ids(byType.get("Patient")).size(), "no resource twice");
    assertTrue(ids(byType.get("Patient")).containsAll(patients));
    assertFalse(ids(byType.get("Patient")).contains(deleted), "a deleted resource is not exported");
    assertTrue(ids(byType.get("Observation")).containsAll(observations));
    long files = manifest.getJsonArray("output").stream()
        .filter(o -> "Patient".equals(((JsonObject) o).getString("type"))).count();
    assertEquals((total("Patient") + PER_FILE - 1) / PER_FILE, files, "a new file every " + PER_FILE + " resources");
  }

  @Test
  void phiEncryptedAtRestIsExportedInPlaintext() throws Exception {
    String mrn = "MRN-" + UUID.randomUUID();
    String id = create(new JsonObject().put("resourceType", "Patient").put("birthDate", "1961-07-14")
        .put("identifier", new JsonArray().add(new JsonObject().put("system", "urn:test:mrn").put("value", mrn))))
        .getString("id");
    var server = node.node().postgres();
    try (var c = java.sql.DriverManager.getConnection(server.jdbcUrl(), server.options().getUser(),
        server.options().getPassword());
        var s = c.prepareStatement("SELECT content::text FROM fhir_resource WHERE res_type = 'Patient' AND res_id = ?")) {
      s.setString(1, id);
      try (var rows = s.executeQuery()) {
        assertTrue(rows.next());
        assertFalse(rows.getString(1).contains(mrn), "the identifier is sealed at rest (phi.encryption)");
      }
    }
    JsonObject exported = downloadAll(export.manifest("/fhir/$export?_type=Patient")).get("Patient").stream()
        .filter(p -> id.equals(p.getString("id"))).findFirst().orElseThrow();
    assertEquals(mrn, exported.getJsonArray("identifier").getJsonObject(0).getString("value"));
    assertEquals("1961-07-14", exported.getString("birthDate"));
  }

  @Test
  void sinceLeavesOutResourcesNotChangedAfterIt() throws Exception {
    JsonObject older = create(new JsonObject().put("resourceType", "Practitioner").put("active", true));
    Thread.sleep(5);
    JsonObject newer = create(new JsonObject().put("resourceType", "Practitioner").put("active", false));
    String since = older.getJsonObject("meta").getString("lastUpdated");

    JsonObject manifest = export.manifest("/fhir/$export?_type=Practitioner&_since=" + since.replace("+", "%2B"));
    Set<String> exported = ids(downloadAll(manifest).getOrDefault("Practitioner", List.of()));
    assertTrue(exported.contains(newer.getString("id")));
    assertFalse(exported.contains(older.getString("id")), "_since keeps only resources changed after it");
  }

  @Test
  void patientLevelExportHoldsTheResourcesInAnyPatientsCompartment() throws Exception {
    String patient = patient("Compartment").getString("id");
    String linked = observation(patient).getString("id");
    String orphan = observation(null).getString("id");
    String organization = create(new JsonObject().put("resourceType", "Organization").put("name", "Elsewhere"))
        .getString("id");

    JsonObject manifest = export.manifest("/fhir/Patient/$export");
    assertTrue(manifest.getString("request").endsWith("/fhir/Patient/$export"));
    Map<String, List<JsonObject>> byType = downloadAll(manifest);
    assertFalse(byType.containsKey("Organization"), "Organization is not in the Patient compartment");
    assertTrue(ids(byType.get("Patient")).contains(patient));
    assertTrue(ids(byType.get("Observation")).contains(linked));
    assertFalse(ids(byType.get("Observation")).contains(orphan), "an Observation with no patient is in no compartment");
    assertFalse(byType.values().stream().anyMatch(list -> ids(list).contains(organization)));

    var outside = export.kickOff("/fhir/Patient/$export?_type=Organization");
    assertOutcome(outside, 400);
  }

  @Test
  void deleteRemovesTheJobAndItsFiles() throws Exception {
    patient("ToDelete");
    String status = export.started("/fhir/$export?_type=Patient");
    JsonObject manifest = export.awaitDone(status).bodyAsJsonObject();
    String file = manifest.getJsonArray("output").getJsonObject(0).getString("url");
    String job = status.substring(status.lastIndexOf('/') + 1);
    Path dir = node.node().config().export().dir().resolve(job);
    assertTrue(Files.isDirectory(dir));

    var deleted = export.send(HttpMethod.DELETE, status, Map.of());
    assertEquals(202, deleted.statusCode(), deleted.bodyAsString());
    assertFalse(Files.exists(dir), "the files are deleted");
    assertOutcome(export.send(HttpMethod.GET, status, Map.of()), 404);
    assertOutcome(export.send(HttpMethod.GET, file, Map.of()), 404);
    assertOutcome(export.send(HttpMethod.DELETE, status, Map.of()), 404);
  }

  @Test
  void deleteCancelsAJobThatIsStillRunning() throws Exception {
    for (int i = 0; i < 20; i++) {
      patient("Cancel" + i);
    }
    String status = export.started("/fhir/$export");
    String job = status.substring(status.lastIndexOf('/') + 1);
    var deleted = export.send(HttpMethod.DELETE, status, Map.of());
    assertEquals(202, deleted.statusCode(), deleted.bodyAsString());
    assertOutcome(export.send(HttpMethod.GET, status, Map.of()), 404);
    // the runner notices within one row and removes what it wrote; the slot is then free again
    Path dir = node.node().config().export().dir().resolve(job);
    long deadline = System.currentTimeMillis() + 10_000;
    while (Files.exists(dir) && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertFalse(Files.exists(dir), "a cancelled job leaves no files");
    assertEquals(202, awaitSlot("/fhir/$export?_type=Patient").statusCode());
  }

  /** Kick-offs are refused with 429 while every slot is busy: retry until one is free. */
  private static HttpResponse<Buffer> awaitSlot(String path) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    HttpResponse<Buffer> response = export.kickOff(path);
    while (response.statusCode() == 429 && System.currentTimeMillis() < deadline) {
      assertNotNull(response.getHeader("Retry-After"));
      Thread.sleep(50);
      response = export.kickOff(path);
    }
    return response;
  }

  @Test
  void badKickOffsAreRefusedWithAnOperationOutcome() throws InterruptedException {
    var noPrefer = export.send(HttpMethod.GET, "/fhir/$export", Map.of("Accept", "application/fhir+json"));
    assertOutcome(noPrefer, 400);
    assertTrue(noPrefer.bodyAsString().contains("respond-async"));
    assertOutcome(export.kickOff("/fhir/$export?_outputFormat=text%2Fcsv"), 400);
    assertOutcome(export.kickOff("/fhir/$export?_type=NoSuchType"), 400);
    assertOutcome(export.kickOff("/fhir/$export?_since=yesterday"), 400);
    assertOutcome(export.kickOff("/fhir/$export?_typeFilter=Patient%3Factive%3Dtrue"), 400);
    assertEquals(202, awaitSlot("/fhir/$export?_type=Patient&_outputFormat=ndjson").statusCode());
    // '+' sent unencoded (form decoding makes it a space) is read back as '+'
    assertEquals(202, awaitSlot("/fhir/$export?_type=Patient&_outputFormat=application/fhir+ndjson"
        + "&_since=2020-01-01T00:00:00+01:00").statusCode());
  }

  @Test
  void unknownJobsAndFilesAre404() {
    assertOutcome(export.send(HttpMethod.GET, "/fhir/$export-status/" + UUID.randomUUID(), Map.of()), 404);
    assertOutcome(export.send(HttpMethod.GET, "/fhir/$export-status/not-a-job", Map.of()), 404);
    assertOutcome(export.send(HttpMethod.DELETE, "/fhir/$export-status/" + UUID.randomUUID(), Map.of()), 404);
    assertOutcome(export.send(HttpMethod.GET, "/fhir/$export-file/" + UUID.randomUUID() + "/Patient-1.ndjson",
        Map.of()), 404);
    assertOutcome(export.send(HttpMethod.GET, "/fhir/$export-file/" + UUID.randomUUID() + "/..%2Fx.ndjson",
        Map.of()), 404);
  }

  @Test
  void theCapabilityStatementListsTheExportOperations() {
    JsonObject rest = node.get("/fhir/metadata").bodyAsJsonObject().getJsonArray("rest").getJsonObject(0);
    assertTrue(rest.getJsonArray("operation").encode().contains("OperationDefinition/export"));
    JsonObject patient = rest.getJsonArray("resource").stream().map(JsonObject.class::cast)
        .filter(r -> "Patient".equals(r.getString("type"))).findFirst().orElseThrow();
    assertTrue(patient.getJsonArray("operation").encode().contains("OperationDefinition/patient-export"));
  }

  static void assertOutcome(HttpResponse<Buffer> response, int status) {
    assertEquals(status, response.statusCode(), response.bodyAsString());
    assertEquals("OperationOutcome", response.bodyAsJsonObject().getString("resourceType"));
  }
}
