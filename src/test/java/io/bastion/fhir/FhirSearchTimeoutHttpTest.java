package io.bastion.fhir;

import static io.bastion.fhir.FhirHttp.patient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A search statement that runs past postgres.search-timeout-seconds is stopped by PostgreSQL and answered 400
 * too-costly, instead of running on after the client (or the connection's idle timeout) has given up; so is the
 * search a write transaction runs (conditional interactions, transaction Bundles), which would otherwise hold its
 * transaction, its locks and a connection for as long as it ran.
 */
class FhirSearchTimeoutHttpTest {

  @RegisterExtension
  static final FhirHttp fhir = FhirHttp.onNewNode(Map.of("postgres.search-timeout-seconds", "1"));

  /** Statements of this test still in PostgreSQL: waiting for the lock, or running. */
  private static final String SEARCHES_IN_POSTGRES = """
      SELECT count(*) AS n FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active'
         AND query LIKE '%fhir_resource%' AND query NOT LIKE '%pg_stat_activity%'""";

  @Test
  void aSearchPastTheTimeoutIsStoppedAndAnsweredTooCostly() throws Exception {
    String id = fhir.create(patient("Slowsearch")).getString("id");
    HttpResponse<Buffer> stopped = whileTheResourcesAreLocked(() -> fhir.get("/fhir/Patient?family=slowsearch"));
    assertNull(stopped.getHeader("Retry-After"), "the same search would cost as much again");

    HttpResponse<Buffer> answered = fhir.get("/fhir/Patient?family=slowsearch");
    assertEquals(200, answered.statusCode(), answered.bodyAsString());
    JsonObject bundle = answered.bodyAsJsonObject();
    assertEquals(id, bundle.getJsonArray("entry").getJsonObject(0).getJsonObject("resource").getString("id"),
        "the same search answers once nothing holds it up");
  }

  @Test
  void aConditionalCreatesSearchIsBoundedTooAndCreatesNothing() throws Exception {
    Map<String, String> ifNoneExist = Map.of("If-None-Exist", "family=Slowcondition");
    whileTheResourcesAreLocked(() -> fhir.send(HttpMethod.POST, "/fhir/Patient", patient("Slowcondition"), ifNoneExist));

    assertEquals(0, total("/fhir/Patient?family=slowcondition"), "the stopped transaction wrote nothing");
    HttpResponse<Buffer> created = fhir.send(HttpMethod.POST, "/fhir/Patient", patient("Slowcondition"), ifNoneExist);
    assertEquals(201, created.statusCode(), "the connection and its session are fine afterwards: "
        + created.bodyAsString());
  }

  @Test
  void aTransactionBundlesSearchIsBoundedToo() throws Exception {
    fhir.create(patient("Slowbundle"));
    // only a search entry: a write entry would wait for the table lock before the search ran (a transaction runs
    // its GETs last), and a write's lock wait is not what the search timeout bounds
    JsonObject transaction = new JsonObject().put("resourceType", "Bundle").put("type", "transaction")
        .put("entry", new JsonArray().add(new JsonObject()
            .put("request", new JsonObject().put("method", "GET").put("url", "Patient?family=slowbundle"))));
    whileTheResourcesAreLocked(() -> fhir.post("/fhir", transaction));

    HttpResponse<Buffer> done = fhir.post("/fhir", transaction);
    assertEquals(200, done.statusCode(), done.bodyAsString());
    assertEquals(1, done.bodyAsJsonObject().getJsonArray("entry").getJsonObject(0).getJsonObject("resource")
        .getInteger("total"), "the same transaction answers once nothing holds it up");
  }

  /**
   * Sends the request while a table lock held elsewhere makes any statement reading fhir_resource wait in PostgreSQL
   * for as long as we like (lock waits count towards statement_timeout as running does), and checks it is answered
   * 400 too-costly at the timeout, with nothing of it left in PostgreSQL.
   */
  private static HttpResponse<Buffer> whileTheResourcesAreLocked(Supplier<HttpResponse<Buffer>> request)
      throws Exception {
    SqlConnection locker = fhir.node().node().pool().getConnection().await(10, TimeUnit.SECONDS);
    try {
      Transaction lock = locker.begin().await(10, TimeUnit.SECONDS);
      locker.query("LOCK TABLE fhir_resource IN ACCESS EXCLUSIVE MODE").execute().await(10, TimeUnit.SECONDS);
      long started = System.nanoTime();
      HttpResponse<Buffer> stopped = request.get();
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      JsonObject issue = FhirHttp.assertOutcome(stopped, 400, "too-costly").getJsonObject(0);
      assertTrue(issue.getString("diagnostics").contains("postgres.search-timeout-seconds"), issue.encode());
      assertTrue(tookMs < 8_000, "answered at the timeout, not when the lock went: " + tookMs + " ms");
      long left = locker.query(SEARCHES_IN_POSTGRES).execute().await(10, TimeUnit.SECONDS)
          .iterator().next().getLong("n");
      assertEquals(0, left, "PostgreSQL stopped the statement; nothing of it still waits or runs");
      lock.rollback().await(10, TimeUnit.SECONDS);
      return stopped;
    } finally {
      locker.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static int total(String search) {
    HttpResponse<Buffer> found = fhir.get(search + "&_total=accurate");
    assertEquals(200, found.statusCode(), found.bodyAsString());
    return found.bodyAsJsonObject().getInteger("total");
  }
}
