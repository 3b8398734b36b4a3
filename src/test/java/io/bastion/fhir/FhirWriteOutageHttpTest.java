package io.bastion.fhir;

import static io.bastion.fhir.FhirHttp.patient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.db.ConnectionLoss;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PostgreSQL drops every connection of the node while creates and transactions are in flight (a restart or a
 * failover): each request still gets an answer, an acknowledged write is there afterwards, a transaction is all
 * or nothing, a failure is an OperationOutcome (503 with Retry-After when the connection was lost), and the
 * writes after the outage succeed.
 */
class FhirWriteOutageHttpTest {

  private static final String KILL_ALL = """
      SELECT count(pg_terminate_backend(pid)) AS killed FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid()""";
  private static final int TRANSACTION_ENTRIES = 5;
  @RegisterExtension
  static final FhirHttp fhir = FhirHttp.onNewNode(Map.of());

  @Test
  void writesInFlightWhenTheConnectionsDropAreAnsweredAndNothingAcknowledgedIsLost() throws Exception {
    assertEquals(201, fhir.post("/fhir/Patient", patient("Warm")).statusCode()); // the pool's connections are open
    String run = "W" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    List<Future<HttpResponse<Buffer>>> creates = new ArrayList<>();
    List<Future<HttpResponse<Buffer>>> transactions = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      String family = run + "c" + i;
      creates.add(fhir.node().call(() -> fhir.node().client().post("/fhir/Patient")
          .putHeader("Content-Type", FhirHttp.FHIR_JSON).sendBuffer(Buffer.buffer(patient(family).encode()))));
      if (i % 6 == 0) {
        JsonObject bundle = transaction(run + "t" + i);
        transactions.add(fhir.node().call(() -> fhir.node().client().post("/fhir")
            .putHeader("Content-Type", FhirHttp.FHIR_JSON).sendBuffer(Buffer.buffer(bundle.encode()))));
      }
    }
    long killed = 0;
    for (int drop = 0; drop < 3; drop++) { // the pool opens connections as the writes arrive: drop them as they come
      Thread.sleep(20);
      killed += killAll();
    }
    assertTrue(killed >= 1, "the node had connections open");
    List<Future<HttpResponse<Buffer>>> all = new ArrayList<>(creates);
    all.addAll(transactions);
    Future.join(new ArrayList<>(all)).otherwiseEmpty().await(60, TimeUnit.SECONDS);

    int refused = 0;
    for (int i = 0; i < creates.size(); i++) {
      HttpResponse<Buffer> response = answered(creates.get(i));
      if (response.statusCode() == 201) {
        String id = response.bodyAsJsonObject().getString("id");
        HttpResponse<Buffer> read = fhir.getEventually("/fhir/Patient/" + id);
        assertEquals(200, read.statusCode(), "an acknowledged create is there afterwards");
        assertEquals(run + "c" + i, read.bodyAsJsonObject().getJsonArray("name").getJsonObject(0).getString("family"));
      } else {
        assertFailedCleanly(response);
        refused++;
      }
    }
    for (int t = 0; t < transactions.size(); t++) {
      HttpResponse<Buffer> response = answered(transactions.get(t));
      int stored = searchTotal("Patient?family:exact=" + run + "t" + (t * 6));
      if (response.statusCode() == 200) {
        assertEquals(TRANSACTION_ENTRIES, stored, "an acknowledged transaction is there whole");
      } else {
        assertFailedCleanly(response);
        assertTrue(stored == 0 || stored == TRANSACTION_ENTRIES, "a transaction is all or nothing: " + stored);
        refused++;
      }
    }
    System.out.println("writes in flight when " + killed + " connections dropped: " + all.size() + ", refused: " + refused);

    HttpResponse<Buffer> after = fhir.post("/fhir/Patient", patient(run + "after"));
    for (int tries = 0; tries < 5 && after.statusCode() != 201; tries++) {
      Thread.sleep(100);
      after = fhir.post("/fhir/Patient", patient(run + "after"));
    }
    assertEquals(201, after.statusCode(), after.bodyAsString());
    HttpResponse<Buffer> bundle = fhir.post("/fhir", transaction(run + "after"));
    assertEquals(200, bundle.statusCode(), bundle.bodyAsString());
  }

  /**
   * Drops every other connection of the node's database. The query itself runs on the node's pool, whose
   * connection the previous drop may just have closed: then it is sent again, on a new one.
   */
  private static long killAll() throws Exception {
    for (int tries = 0; ; tries++) {
      try {
        return fhir.node().node().pool().query(KILL_ALL).execute().await(10, TimeUnit.SECONDS).iterator().next()
            .getLong("killed");
      } catch (Exception e) {
        if (tries == 4 || !ConnectionLoss.ofStatement(e)) {
          throw e;
        }
      }
    }
  }

  private static JsonObject transaction(String family) {
    JsonArray entries = new JsonArray();
    for (int i = 0; i < TRANSACTION_ENTRIES; i++) {
      entries.add(new JsonObject().put("resource", patient(family))
          .put("request", new JsonObject().put("method", "POST").put("url", "Patient")));
    }
    return new JsonObject().put("resourceType", "Bundle").put("type", "transaction").put("entry", entries);
  }

  private static HttpResponse<Buffer> answered(Future<HttpResponse<Buffer>> request) {
    assertTrue(request.succeeded(), "every write got an answer: " + request.cause());
    return request.result();
  }

  /** A lost connection is 503 with Retry-After; whatever the status, the body is an OperationOutcome. */
  private static void assertFailedCleanly(HttpResponse<Buffer> response) {
    JsonObject outcome = response.bodyAsJsonObject();
    assertEquals("OperationOutcome", outcome.getString("resourceType"), response.statusCode() + " " + outcome);
    assertEquals(503, response.statusCode(), outcome.encode());
    assertEquals("1", response.getHeader("Retry-After"));
  }

  private static int searchTotal(String query) throws Exception {
    HttpResponse<Buffer> response = fhir.getEventually("/fhir/" + query + "&_total=accurate");
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getInteger("total");
  }
}
