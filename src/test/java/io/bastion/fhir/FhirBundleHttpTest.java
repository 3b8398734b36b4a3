package io.bastion.fhir;

import static io.bastion.fhir.FhirHttp.assertOutcome;
import static io.bastion.fhir.FhirHttp.patient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** POST /fhir with transaction and batch Bundles, against a real node. */
class FhirBundleHttpTest {

  @RegisterExtension
  static final FhirHttp fhir = FhirHttp.onNewNode(Map.of());

  private static JsonObject bundle(String type, JsonObject... entries) {
    JsonArray list = new JsonArray();
    for (JsonObject entry : entries) {
      list.add(entry);
    }
    return new JsonObject().put("resourceType", "Bundle").put("type", type).put("entry", list);
  }

  private static JsonObject entry(String fullUrl, JsonObject resource, String method, String url) {
    JsonObject entry = new JsonObject();
    if (fullUrl != null) {
      entry.put("fullUrl", fullUrl);
    }
    if (resource != null) {
      entry.put("resource", resource);
    }
    return entry.put("request", new JsonObject().put("method", method).put("url", url));
  }

  private static JsonObject observation(String subject, String code) {
    return new JsonObject().put("resourceType", "Observation").put("status", "final")
        .put("code", new JsonObject().put("coding", new JsonArray().add(new JsonObject()
            .put("system", "http://loinc.org").put("code", code))))
        .put("subject", new JsonObject().put("reference", subject));
  }

  private static String unique() {
    return "F" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  private static int total(String query) {
    HttpResponse<Buffer> response = fhir.get("/fhir/" + query + (query.contains("?") ? "&" : "?") + "_total=accurate");
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getInteger("total");
  }

  private static List<JsonObject> entries(HttpResponse<Buffer> response) {
    List<JsonObject> out = new ArrayList<>();
    response.bodyAsJsonObject().getJsonArray("entry").forEach(e -> out.add((JsonObject) e));
    return out;
  }

  @Test
  void transactionCreatesPatientAndObservationsAndRewritesUrnReferences() {
    String family = unique();
    String urn = "urn:uuid:" + UUID.randomUUID();
    var response = fhir.post("/fhir", bundle("transaction",
        entry(null, observation(urn, "8867-4"), "POST", "Observation"),
        entry(urn, patient(family), "POST", "Patient"),
        entry(null, observation(urn, "8310-5").put("focus", new JsonArray()
            .add(new JsonObject().put("reference", urn))), "POST", "Observation")));
    assertEquals(200, response.statusCode(), response.bodyAsString());
    JsonObject body = response.bodyAsJsonObject();
    assertEquals("transaction-response", body.getString("type"));
    List<JsonObject> entries = entries(response);
    assertEquals(3, entries.size());
    JsonObject patientResponse = entries.get(1).getJsonObject("response");
    assertEquals("201 Created", patientResponse.getString("status"));
    String location = patientResponse.getString("location");
    assertTrue(location.matches("Patient/[^/]+/_history/1"), location);
    assertEquals("W/\"1\"", patientResponse.getString("etag"));
    assertTrue(patientResponse.getString("lastModified") != null);
    String patientRef = location.substring(0, location.indexOf("/_history"));

    for (int i : new int[] {0, 2}) {
      assertEquals("201 Created", entries.get(i).getJsonObject("response").getString("status"));
      JsonObject obs = entries.get(i).getJsonObject("resource");
      assertEquals(patientRef, obs.getJsonObject("subject").getString("reference"), "urn:uuid rewritten");
    }
    assertEquals(patientRef, entries.get(2).getJsonObject("resource").getJsonArray("focus").getJsonObject(0)
        .getString("reference"), "rewritten anywhere in the resource");
    assertEquals(200, fhir.get("/fhir/" + patientRef).statusCode());
    assertEquals(2, total("Observation?subject=" + patientRef), "searchable by the rewritten reference");
    assertEquals(1, total("Observation?subject=" + patientRef + "&code=http://loinc.org|8867-4"));
  }

  @Test
  void aTransactionsSearchEntrySeesWhatTheTransactionWrote() {
    String family = unique();
    String urn = "urn:uuid:" + UUID.randomUUID();
    // listed first, run last (a transaction runs its reads after its writes), as a read by id in it already was
    var response = fhir.post("/fhir", bundle("transaction",
        entry(null, null, "GET", "Observation?subject:Patient.family=" + family + "&_total=accurate"),
        entry(urn, patient(family), "POST", "Patient"),
        entry(null, observation(urn, "8867-4"), "POST", "Observation")));
    assertEquals(200, response.statusCode(), response.bodyAsString());
    List<JsonObject> entries = entries(response);
    JsonObject found = entries.get(0).getJsonObject("resource");
    assertEquals(1, found.getInteger("total"), found.encode());
    String observationId = entries.get(2).getJsonObject("resource").getString("id");
    assertEquals(observationId, found.getJsonArray("entry").getJsonObject(0).getJsonObject("resource").getString("id"));
  }

  @Test
  void aTransactionResolvesConditionalReferencesToTheirOneMatch() {
    String family = unique();
    String mrn = "urn:mrn:" + family;
    String patientId = fhir.create(patient(family).put("identifier", new JsonArray().add(new JsonObject()
        .put("system", mrn).put("value", "1")))).getString("id");
    String byIdentifier = "Patient?identifier=" + mrn + "|1";
    var response = fhir.post("/fhir", bundle("transaction",
        entry(null, observation(byIdentifier, "8867-4"), "POST", "Observation"),
        entry(null, observation(byIdentifier, "8310-5").put("focus", new JsonArray()
            .add(new JsonObject().put("reference", byIdentifier))), "POST", "Observation")));
    assertEquals(200, response.statusCode(), response.bodyAsString());
    for (JsonObject entry : entries(response)) {
      assertEquals("Patient/" + patientId, entry.getJsonObject("resource").getJsonObject("subject").getString("reference"));
    }
    assertEquals("Patient/" + patientId, entries(response).get(1).getJsonObject("resource").getJsonArray("focus")
        .getJsonObject(0).getString("reference"), "every occurrence");
    assertEquals(2, total("Observation?subject=Patient/" + patientId), "indexed as the resolved reference");
  }

  @Test
  void aConditionalReferenceMatchingNoneOrSeveralFailsTheTransactionAndBatchesRefuseThem() {
    String family = unique();
    String urn = "urn:uuid:" + UUID.randomUUID();
    var none = fhir.post("/fhir", bundle("transaction",
        entry(urn, patient(family), "POST", "Patient"),
        entry(null, observation("Patient?identifier=urn:none|" + family, "8867-4"), "POST", "Observation")));
    JsonObject issue = FhirHttp.assertOutcome(none, 412, "not-found").getJsonObject(0);
    assertTrue(issue.getString("diagnostics").startsWith("Bundle.entry[1]: the conditional reference"), issue.encode());
    assertEquals(0, total("Patient?family=" + family), "nothing written");

    fhir.create(patient(family));
    fhir.create(patient(family));
    var several = fhir.post("/fhir", bundle("transaction",
        entry(null, observation("Patient?family=" + family, "8867-4"), "POST", "Observation")));
    FhirHttp.assertOutcome(several, 412, "duplicate");

    var batch = fhir.post("/fhir", bundle("batch",
        entry(null, observation("Patient?family=" + family, "8867-4"), "POST", "Observation")));
    assertEquals(200, batch.statusCode(), batch.bodyAsString());
    String status = entries(batch).get(0).getJsonObject("response").getString("status");
    assertTrue(status.startsWith("4"), "only a transaction resolves them: " + batch.bodyAsString());
  }

  @Test
  void preferChoosesWhatTheWriteEntriesAnswerWith() {
    String family = unique();
    JsonObject transaction = bundle("transaction",
        entry(null, patient(family), "POST", "Patient"),
        entry(null, null, "GET", "Patient?family=" + family));
    var minimal = fhir.send(HttpMethod.POST, "/fhir", transaction, Map.of("Prefer", "return=minimal"));
    assertEquals(200, minimal.statusCode(), minimal.bodyAsString());
    List<JsonObject> entries = entries(minimal);
    assertNull(entries.get(0).getValue("resource"), "no body for the create");
    assertTrue(entries.get(0).getJsonObject("response").getString("location").startsWith("Patient/"));
    assertEquals(1, entries.get(1).getJsonObject("resource").getInteger("total"), "a search keeps its page");

    var outcome = fhir.send(HttpMethod.POST, "/fhir", bundle("batch", entry(null, patient(family), "POST", "Patient")),
        Map.of("Prefer", "return=OperationOutcome"));
    JsonObject created = entries(outcome).get(0);
    assertNull(created.getValue("resource"));
    assertEquals("OperationOutcome", created.getJsonObject("response").getJsonObject("outcome").getString("resourceType"));
    assertEquals(2, total("Patient?family=" + family), "written all the same");
    assertNotNull(entries(fhir.post("/fhir", bundle("batch", entry(null, patient(family), "POST", "Patient"))))
        .get(0).getValue("resource"), "return=representation by default");
  }

  private static final String W_1 = "W/\"1\"";

  @Test
  void readEntriesTakeIfModifiedSinceAndSubsetsAsTheRestReadDoes() {
    JsonObject created = fhir.create(patient(unique()));
    String read = "Patient/" + created.getString("id");
    String lastUpdated = created.getJsonObject("meta").getString("lastUpdated");
    JsonObject sinceThen = entry(null, null, "GET", read);
    sinceThen.getJsonObject("request").put("ifModifiedSince", lastUpdated);
    JsonObject before = entry(null, null, "GET", read);
    before.getJsonObject("request").put("ifModifiedSince", "2001-01-01T00:00:00Z");
    var response = fhir.post("/fhir", bundle("batch", sinceThen, before, entry(null, null, "GET", read + "?_elements=name")));
    List<JsonObject> entries = entries(response);
    assertEquals("304 Not Modified", entries.get(0).getJsonObject("response").getString("status"));
    assertEquals("200 OK", entries.get(1).getJsonObject("response").getString("status"));
    JsonObject named = entries.get(2).getJsonObject("resource");
    assertEquals(created.getJsonArray("name"), named.getJsonArray("name"));
    assertNull(named.getValue("birthDate"), named.encode());

    var head = fhir.send(HttpMethod.POST, "/fhir", bundle("batch", entry(null, null, "HEAD", read),
        new JsonObject().put("request", "not an object")), Map.of("Prefer", "return=minimal"));
    assertEquals(200, head.statusCode(), head.bodyAsString());
    assertEquals("200 OK", entries(head).get(0).getJsonObject("response").getString("status"));
    assertEquals(W_1, entries(head).get(0).getJsonObject("response").getString("etag"));
    assertNull(entries(head).get(0).getValue("resource"), "HEAD: no body");
    assertTrue(entries(head).get(1).getJsonObject("response").getString("status").startsWith("400"));

    JsonObject onACreate = entry(null, patient(unique()), "POST", "Patient");
    onACreate.getJsonObject("request").put("ifModifiedSince", lastUpdated);
    assertOutcome(fhir.post("/fhir", bundle("transaction", onACreate)), 400, "not-supported");
  }

  @Test
  void transactionWithOneInvalidEntryCommitsNothingAndNamesTheEntry() {
    String family = unique();
    String urn = "urn:uuid:" + UUID.randomUUID();
    var response = fhir.post("/fhir", bundle("transaction",
        entry(urn, patient(family), "POST", "Patient"),
        entry(null, observation(urn, "1-1"), "POST", "Observation"),
        entry(null, patient(family).put("id", "tx-upd-" + family), "PUT", "Patient/tx-upd-" + family),
        entry(null, patient(family), "POST", "Observation")));
    JsonArray issues = assertOutcome(response, 400, "invalid");
    String text = issues.encode();
    assertTrue(text.contains("Bundle.entry[3]"), text);
    assertEquals(0, total("Patient?family=" + family), "nothing committed");
    assertEquals(404, fhir.get("/fhir/Patient/tx-upd-" + family).statusCode());
  }

  @Test
  void transactionFailingInTheDatabaseRollsBackEarlierWrites() {
    String family = unique();
    String missing = "missing-" + family;
    var response = fhir.post("/fhir", bundle("transaction",
        entry(null, patient(family), "POST", "Patient"),
        entry(null, null, "DELETE", "Patient/" + missing),
        entry(null, null, "GET", "Patient/" + missing)));
    // the DELETE of an unknown id is a 404 in the transaction; the POST before it (in FHIR order) is undone
    JsonArray issues = assertOutcome(response, 404, "not-found");
    assertTrue(issues.encode().contains("Bundle.entry[1]"), issues.encode());
    assertEquals(0, total("Patient?family=" + family));
  }

  /** A run of creates is written by one statement: each entry still gets its version, history and index rows. */
  @Test
  void foldedCreatesAreEachVersionedIndexedAndSealed() {
    String family = unique();
    String urn = "urn:uuid:" + UUID.randomUUID();
    List<JsonObject> list = new ArrayList<>();
    list.add(entry(urn, patient(family).put("identifier", new JsonArray().add(new JsonObject()
        .put("system", "urn:test:mrn").put("value", "mrn-" + family))), "POST", "Patient"));
    for (int i = 0; i < 12; i++) {
      list.add(entry(null, observation(urn, "fold-" + i), "POST", "Observation"));
    }
    var response = fhir.post("/fhir", bundle("transaction", list.toArray(JsonObject[]::new)));
    assertEquals(200, response.statusCode(), response.bodyAsString());
    List<JsonObject> entries = entries(response);
    assertEquals(13, entries.size());
    String location = entries.get(0).getJsonObject("response").getString("location");
    String patientRef = location.substring(0, location.indexOf("/_history"));
    for (int i = 0; i < 13; i++) {
      JsonObject answer = entries.get(i).getJsonObject("response");
      assertEquals("201 Created", answer.getString("status"));
      assertEquals("W/\"1\"", answer.getString("etag"));
      assertEquals(200, fhir.get("/fhir/" + answer.getString("location")).statusCode(), "history row of entry " + i);
    }
    for (int i = 0; i < 12; i++) {
      assertEquals(patientRef, entries.get(i + 1).getJsonObject("resource").getJsonObject("subject").getString("reference"));
      assertEquals(1, total("Observation?subject=" + patientRef + "&code=http://loinc.org|fold-" + i), "entry " + (i + 1));
    }
    assertEquals(1, total("Patient?family=" + family + "&birthdate=1970-01-31"));
    assertEquals(1, total("Patient?identifier=urn:test:mrn|mrn-" + family));
    String stored = fhir.node().node().pool().preparedQuery("SELECT content::text AS c FROM fhir_resource WHERE res_type = 'Patient'"
        + " AND res_id = $1").execute(io.vertx.sqlclient.Tuple.of(patientRef.substring("Patient/".length()))).await()
        .iterator().next().getString("c");
    assertTrue(!stored.contains("mrn-" + family) && !stored.contains("1970-01-31"), "PHI sealed: " + stored);
  }

  /** A folded run rolls back with the rest, whether a later entry fails or one of its own creates does. */
  @Test
  void foldedCreatesRollBackWithTheTransactionAndTheFailingEntryIsNamed() {
    String family = unique();
    var laterFails = fhir.post("/fhir", bundle("transaction",
        entry(null, patient(family), "POST", "Patient"),
        entry(null, patient(family), "POST", "Patient"),
        entry(null, patient(family), "POST", "Patient"),
        entry(null, null, "DELETE", "Patient/missing-" + family)));
    assertTrue(assertOutcome(laterFails, 404, "not-found").encode().contains("Bundle.entry[3]"));
    assertEquals(0, total("Patient?family=" + family));

    // the database refuses the third create (a test trigger on its family name, as a unique violation): the
    // folded statement fails, the run is rolled back to its savepoint and sent again one create at a time,
    // which names the entry; the transaction commits nothing
    String refused = "Refused" + family;
    var pool = fhir.node().node().pool();
    pool.query("CREATE FUNCTION refuse_family() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.value_exact = '"
        + refused + "' THEN RAISE EXCEPTION 'refused' USING ERRCODE = '23505'; END IF; RETURN NEW; END $$").execute().await();
    pool.query("CREATE TRIGGER refuse_family BEFORE INSERT ON fhir_idx_string FOR EACH ROW EXECUTE FUNCTION refuse_family()")
        .execute().await();
    try {
      String urn = "urn:uuid:" + UUID.randomUUID();
      var ownFails = fhir.post("/fhir", bundle("transaction",
          entry(urn, patient(family), "POST", "Patient"),
          entry(null, observation(urn, "fine"), "POST", "Observation"),
          entry(null, patient(refused), "POST", "Patient"),
          entry(null, patient(family), "POST", "Patient")));
      String issues = assertOutcome(ownFails, 409, "conflict").encode();
      assertTrue(issues.contains("Bundle.entry[2]"), issues);
    } finally {
      pool.query("DROP TRIGGER refuse_family ON fhir_idx_string").execute().await();
      pool.query("DROP FUNCTION refuse_family()").execute().await();
    }
    assertEquals(0, total("Patient?family=" + refused));
    assertEquals(0, total("Patient?family=" + family), "nothing committed");
  }

  @Test
  void conditionalCreateInATransactionReturnsTheExistingResource() {
    String family = unique();
    String existing = fhir.create(patient(family).put("identifier", new JsonArray().add(new JsonObject()
        .put("system", "http://example.org/mrn").put("value", family)))).getString("id");
    String urn = "urn:uuid:" + UUID.randomUUID();
    JsonObject create = entry(urn, patient(family), "POST", "Patient");
    create.getJsonObject("request").put("ifNoneExist", "identifier=http://example.org/mrn|" + family);
    var response = fhir.post("/fhir", bundle("transaction", create,
        entry(null, observation(urn, "2-2"), "POST", "Observation")));
    assertEquals(200, response.statusCode(), response.bodyAsString());
    List<JsonObject> entries = entries(response);
    assertEquals("200 OK", entries.get(0).getJsonObject("response").getString("status"));
    assertEquals("Patient/" + existing + "/_history/1", entries.get(0).getJsonObject("response").getString("location"));
    assertEquals("Patient/" + existing, entries.get(1).getJsonObject("resource").getJsonObject("subject")
        .getString("reference"), "the urn:uuid resolves to the existing resource");
    assertEquals(1, total("Patient?family=" + family), "no duplicate");

    // two matches: 412, nothing created
    fhir.create(patient(family).put("identifier", new JsonArray().add(new JsonObject()
        .put("system", "http://example.org/mrn").put("value", family))));
    JsonObject again = entry(null, patient(family), "POST", "Patient");
    again.getJsonObject("request").put("ifNoneExist", "identifier=http://example.org/mrn|" + family);
    var ambiguous = fhir.post("/fhir", bundle("transaction", entry(null, patient(family), "POST", "Patient"), again));
    JsonArray issues = assertOutcome(ambiguous, 412, "duplicate");
    assertTrue(issues.encode().contains("Bundle.entry[1]"), issues.encode());
    assertEquals(2, total("Patient?family=" + family));

    // no match: created
    JsonObject fresh = entry(null, patient(family + "x"), "POST", "Patient");
    fresh.getJsonObject("request").put("ifNoneExist", "family=" + family + "x");
    var created = fhir.post("/fhir", bundle("transaction", fresh));
    assertEquals("201 Created", entries(created).get(0).getJsonObject("response").getString("status"));
  }

  @Test
  void theResponsesOfOneBundleCarryABoundedNumberOfResources() {
    String family = unique();
    List<JsonObject> creates = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      creates.add(entry(null, patient(family), "POST", "Patient"));
    }
    assertEquals(200, fhir.post("/fhir", bundle("transaction", creates.toArray(JsonObject[]::new))).statusCode());
    List<JsonObject> searches = new ArrayList<>();
    int full = BundleProcessor.MAX_RESPONSE_RESOURCES / 100;
    for (int i = 0; i <= full; i++) { // pages of 100: the last one passes the budget
      searches.add(entry(null, null, "GET", "Patient?family=" + family + "&_count=1000"));
    }
    searches.add(entry(null, null, "GET", "Patient?family=" + family + "&_count=1000&_summary=count"));
    var batch = fhir.post("/fhir", bundle("batch", searches.toArray(JsonObject[]::new)));
    assertEquals(200, batch.statusCode());
    List<JsonObject> answered = entries(batch);
    for (int i = 0; i < full; i++) {
      assertEquals(100, answered.get(i).getJsonObject("resource").getJsonArray("entry").size());
    }
    JsonObject refused = answered.get(full).getJsonObject("response");
    assertEquals("400 Bad Request", refused.getString("status"));
    assertTrue(refused.getJsonObject("outcome").encode().contains("too-costly"), refused.encode());
    assertEquals("200 OK", answered.get(full + 1).getJsonObject("response").getString("status"), "a count carries none");
    var transaction = fhir.post("/fhir", bundle("transaction", searches.subList(0, full + 1).toArray(JsonObject[]::new)));
    assertOutcome(transaction, 400, "too-costly");
  }

  @Test
  void batchEntriesSucceedOrFailOnTheirOwn() {
    String family = unique();
    String id = fhir.create(patient(family)).getString("id");
    String patchData = Base64.getEncoder().encodeToString(new JsonArray().add(new JsonObject().put("op", "replace")
        .put("path", "/birthDate").put("value", "1980-02-02")).encode().getBytes());
    var response = fhir.post("/fhir", bundle("batch",
        entry(null, patient(family), "POST", "Patient"),
        entry(null, null, "GET", "Patient/does-not-exist-" + family),
        entry(null, patient(family), "POST", "Observation"),
        entry(null, null, "GET", "Patient?family=" + family),
        entry(null, new JsonObject().put("resourceType", "Binary").put("contentType", "application/json-patch+json")
            .put("data", patchData), "PATCH", "Patient/" + id),
        entry(null, null, "GET", "Patient/" + id)));
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertEquals("batch-response", response.bodyAsJsonObject().getString("type"));
    List<JsonObject> entries = entries(response);
    assertEquals("201 Created", entries.get(0).getJsonObject("response").getString("status"));
    JsonObject notFound = entries.get(1).getJsonObject("response");
    assertEquals("404 Not Found", notFound.getString("status"));
    assertTrue(notFound.getJsonObject("outcome").encode().contains("Bundle.entry[1]"));
    JsonObject invalid = entries.get(2).getJsonObject("response");
    assertEquals("400 Bad Request", invalid.getString("status"));
    assertEquals("OperationOutcome", invalid.getJsonObject("outcome").getString("resourceType"));
    assertEquals("200 OK", entries.get(3).getJsonObject("response").getString("status"));
    assertEquals("searchset", entries.get(3).getJsonObject("resource").getString("type"));
    assertEquals("200 OK", entries.get(4).getJsonObject("response").getString("status"));
    assertEquals("W/\"2\"", entries.get(4).getJsonObject("response").getString("etag"));
    assertEquals("1980-02-02", entries.get(5).getJsonObject("resource").getString("birthDate"));
    assertEquals(2, total("Patient?family=" + family), "the batch's create stayed");
  }

  /**
   * A batch's independent entries run a few at once (BundleProcessor.BatchRun), and its answers are still those of
   * running them one after another: each create answers its own resource, two writes to one resource apply in entry
   * order, and a search sees exactly the entries before it.
   */
  @Test
  void aBatchAnswersAsIfItsEntriesRanInOrder() {
    String family = unique();
    String id = fhir.create(patient(family)).getString("id");
    List<JsonObject> entries = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      entries.add(entry(null, patient(family).put("gender", "unknown").put("birthDate", "2001-01-" + (10 + i)),
          "POST", "Patient"));
    }
    entries.add(entry(null, patient(family).put("id", id).put("gender", "male"), "PUT", "Patient/" + id));
    entries.add(entry(null, patient(family).put("id", id).put("gender", "female"), "PUT", "Patient/" + id));
    entries.add(entry(null, null, "GET", "Patient?family=" + family + "&_summary=count"));
    for (int i = 0; i < 20; i++) {
      entries.add(entry(null, patient(family), "POST", "Patient"));
    }
    entries.add(entry(null, null, "GET", "Patient/" + id));
    entries.add(entry(null, null, "GET", "Patient?family=" + family + "&_summary=count"));
    var response = fhir.post("/fhir", bundle("batch", entries.toArray(JsonObject[]::new)));
    assertEquals(200, response.statusCode(), response.bodyAsString());
    List<JsonObject> answered = entries(response);
    for (int i = 0; i < 20; i++) {
      assertEquals("201 Created", answered.get(i).getJsonObject("response").getString("status"));
      assertEquals("2001-01-" + (10 + i), answered.get(i).getJsonObject("resource").getString("birthDate"),
          "entry " + i + " answers its own resource");
    }
    assertEquals("W/\"2\"", answered.get(20).getJsonObject("response").getString("etag"));
    assertEquals("W/\"3\"", answered.get(21).getJsonObject("response").getString("etag"));
    assertEquals(21, answered.get(22).getJsonObject("resource").getInteger("total"), "the 20 creates before it, and one");
    assertEquals("female", answered.get(43).getJsonObject("resource").getString("gender"), "the later PUT is the last");
    assertEquals(41, answered.get(44).getJsonObject("resource").getInteger("total"));
  }

  @Test
  void staleIfMatchInATransactionIs412AndCommitsNothing() {
    String family = unique();
    String id = fhir.create(patient(family)).getString("id");
    // another client updates it first: version 2
    assertEquals(200, fhir.put("/fhir/Patient/" + id, patient(family).put("id", id).put("gender", "female"))
        .statusCode());
    JsonObject update = entry(null, patient(family).put("id", id).put("gender", "male"), "PUT", "Patient/" + id);
    update.getJsonObject("request").put("ifMatch", "W/\"1\"");
    String other = unique();
    var response = fhir.post("/fhir", bundle("transaction",
        entry(null, patient(other), "POST", "Patient"), update));
    JsonArray issues = assertOutcome(response, 412, "conflict");
    assertTrue(issues.encode().contains("Bundle.entry[1]"), issues.encode());
    assertEquals(0, total("Patient?family=" + other), "the create before the conflict is rolled back");
    JsonObject current = fhir.get("/fhir/Patient/" + id).bodyAsJsonObject();
    assertEquals("female", current.getString("gender"));
    assertEquals("2", current.getJsonObject("meta").getString("versionId"));

    update.getJsonObject("request").put("ifMatch", "W/\"2\"");
    var ok = fhir.post("/fhir", bundle("transaction", update));
    assertEquals(200, ok.statusCode(), ok.bodyAsString());
    assertEquals("W/\"3\"", entries(ok).get(0).getJsonObject("response").getString("etag"));
  }

  @Test
  void ifNoneMatchGuardsPutEntriesAndAnswersReadEntries304() {
    String family = unique();
    String id = fhir.create(patient(family)).getString("id");
    JsonObject createOnly = entry(null, patient(family).put("id", id).put("gender", "male"), "PUT", "Patient/" + id);
    createOnly.getJsonObject("request").put("ifNoneMatch", "*");
    String other = unique();
    JsonArray issues = assertOutcome(fhir.post("/fhir", bundle("transaction",
        entry(null, patient(other), "POST", "Patient"), createOnly)), 412, "conflict");
    assertTrue(issues.encode().contains("Bundle.entry[1]"), issues.encode());
    assertEquals(0, total("Patient?family=" + other), "the create before the refused PUT is rolled back");
    assertEquals("1", fhir.get("/fhir/Patient/" + id).bodyAsJsonObject().getJsonObject("meta").getString("versionId"));

    JsonObject cached = entry(null, null, "GET", "Patient/" + id);
    cached.getJsonObject("request").put("ifNoneMatch", "W/\"1\"");
    JsonObject stale = entry(null, null, "GET", "Patient/" + id);
    stale.getJsonObject("request").put("ifNoneMatch", "W/\"5\"");
    JsonObject search = entry(null, null, "GET", "Patient?family=" + family);
    search.getJsonObject("request").put("ifNoneMatch", "*");
    List<JsonObject> answered = entries(fhir.post("/fhir", bundle("batch", cached, stale, search)));
    JsonObject notModified = answered.get(0);
    assertEquals("304 Not Modified", notModified.getJsonObject("response").getString("status"));
    assertEquals("W/\"1\"", notModified.getJsonObject("response").getString("etag"));
    assertNull(notModified.getValue("resource"));
    assertEquals("200 OK", answered.get(1).getJsonObject("response").getString("status"));
    assertEquals(id, answered.get(1).getJsonObject("resource").getString("id"));
    assertEquals("400 Bad Request", answered.get(2).getJsonObject("response").getString("status"),
        "a search has no version for ifNoneMatch to name");
  }

  @Test
  void concurrentTransactionsFromTheSameVersionExactlyOneCommits() throws Exception {
    String id = fhir.create(patient(unique())).getString("id");
    int writers = 6;
    List<String> families = new ArrayList<>();
    List<Future<HttpResponse<Buffer>>> futures = new ArrayList<>();
    for (int i = 0; i < writers; i++) {
      String family = unique();
      families.add(family);
      JsonObject update = entry(null, patient(family).put("id", id), "PUT", "Patient/" + id);
      update.getJsonObject("request").put("ifMatch", "W/\"1\"");
      JsonObject body = bundle("transaction", entry(null, patient(family), "POST", "Patient"), update);
      futures.add(fhir.node().call(() -> fhir.node().client().post("/fhir").putHeader("Content-Type", FhirHttp.FHIR_JSON)
          .sendBuffer(Buffer.buffer(body.encode()))));
    }
    Future.all(futures).await(30, TimeUnit.SECONDS);
    List<Integer> statuses = futures.stream().map(f -> f.result().statusCode()).toList();
    assertEquals(1, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
    assertTrue(statuses.stream().allMatch(s -> s == 200 || s == 409 || s == 412), statuses.toString());
    JsonObject current = fhir.get("/fhir/Patient/" + id).bodyAsJsonObject();
    assertEquals("2", current.getJsonObject("meta").getString("versionId"));
    String winner = current.getJsonArray("name").getJsonObject(0).getString("family");
    for (String family : families) {
      // the winner's family is on its created Patient and on the updated one; the losers' on nothing
      assertEquals(family.equals(winner) ? 2 : 0, total("Patient?family=" + family), statuses.toString());
    }
  }

  @Test
  void entryCountAboveTheLimitIsRefused() {
    JsonArray many = new JsonArray();
    for (int i = 0; i <= FhirLimits.DEFAULT_MAX_BUNDLE_ENTRIES; i++) {
      many.add(entry(null, null, "GET", "Patient/x" + i));
    }
    var response = fhir.post("/fhir", new JsonObject().put("resourceType", "Bundle").put("type", "batch")
        .put("entry", many));
    assertOutcome(response, 413, "too-costly");
  }

  @Test
  void otherBundleTypesAndBadEntriesAre400() {
    assertOutcome(fhir.post("/fhir", new JsonObject().put("resourceType", "Bundle").put("type", "collection")), 400,
        "not-supported");
    assertOutcome(fhir.post("/fhir", patient("x")), 400, "invalid");
    var badUrl = fhir.post("/fhir", bundle("transaction", entry(null, null, "PATCH", "Patient?name=x")));
    assertTrue(assertOutcome(badUrl, 400, "not-supported").encode().contains("Bundle.entry[0]"));
    String urn = "urn:uuid:" + UUID.randomUUID();
    var twice = fhir.post("/fhir", bundle("transaction", entry(urn, patient("a"), "POST", "Patient"),
        entry(urn, patient("b"), "POST", "Patient")));
    assertTrue(assertOutcome(twice, 400, "invariant").encode().contains("Bundle.entry[1].fullUrl"));
    var sameResource = fhir.post("/fhir", bundle("transaction", entry(null, null, "DELETE", "Patient/same"),
        entry(null, patient("c").put("id", "same"), "PUT", "Patient/same")));
    assertTrue(assertOutcome(sameResource, 400, "invariant").encode().contains("Bundle.entry[1]"));
    var noRequest = fhir.post("/fhir", new JsonObject().put("resourceType", "Bundle").put("type", "batch")
        .put("entry", new JsonArray().add(new JsonObject().put("resource", patient("d")))));
    assertEquals(200, noRequest.statusCode(), noRequest.bodyAsString());
    assertEquals("400 Bad Request", entries(noRequest).get(0).getJsonObject("response").getString("status"));
  }

  @Test
  void capabilityStatementListsTransactionAndBatch() {
    JsonArray interactions = fhir.get("/fhir/metadata").bodyAsJsonObject().getJsonArray("rest").getJsonObject(0)
        .getJsonArray("interaction");
    String text = interactions.encode();
    assertTrue(text.contains("\"transaction\"") && text.contains("\"batch\""), text);
  }
}
