package io.bastion.fhir;

import static io.bastion.fhir.FhirHttp.patient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A search statement that runs past postgres.search-timeout-seconds is stopped by PostgreSQL and answered 400
 * too-costly, instead of running on after the client (or the connection's idle timeout) has given up.
 */
class FhirSearchTimeoutHttpTest {

  @RegisterExtension
  static final FhirHttp fhir = FhirHttp.onNewNode(Map.of("postgres.search-timeout-seconds", "1"));

  /** Search statements of this test still in PostgreSQL: waiting for the lock, or running. */
  private static final String SEARCHES_IN_POSTGRES = """
      SELECT count(*) AS n FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active'
         AND query LIKE '%fhir_resource%' AND query NOT LIKE '%pg_stat_activity%'""";

  @Test
  void aSearchPastTheTimeoutIsStoppedAndAnsweredTooCostly() throws Exception {
    String id = fhir.create(patient("Slowsearch")).getString("id");
    // a table lock held elsewhere makes the search wait in PostgreSQL for as long as we like: lock waits count
    // towards statement_timeout as running does
    SqlConnection locker = fhir.node().node().pool().getConnection().await(10, TimeUnit.SECONDS);
    try {
      Transaction lock = locker.begin().await(10, TimeUnit.SECONDS);
      locker.query("LOCK TABLE fhir_resource IN ACCESS EXCLUSIVE MODE").execute().await(10, TimeUnit.SECONDS);
      long started = System.nanoTime();
      HttpResponse<Buffer> stopped = fhir.get("/fhir/Patient?family=slowsearch");
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      JsonObject issue = FhirHttp.assertOutcome(stopped, 400, "too-costly").getJsonObject(0);
      assertTrue(issue.getString("diagnostics").contains("postgres.search-timeout-seconds"), issue.encode());
      assertNull(stopped.getHeader("Retry-After"), "the same search would cost as much again");
      assertTrue(tookMs < 8_000, "answered at the timeout, not when the lock went: " + tookMs + " ms");
      long left = locker.query(SEARCHES_IN_POSTGRES).execute().await(10, TimeUnit.SECONDS)
          .iterator().next().getLong("n");
      assertEquals(0, left, "PostgreSQL stopped the search; nothing of it still waits or runs");
      lock.rollback().await(10, TimeUnit.SECONDS);
    } finally {
      locker.close().await(10, TimeUnit.SECONDS);
    }

    HttpResponse<Buffer> answered = fhir.get("/fhir/Patient?family=slowsearch");
    assertEquals(200, answered.statusCode(), answered.bodyAsString());
    JsonObject bundle = answered.bodyAsJsonObject();
    assertEquals(id, bundle.getJsonArray("entry").getJsonObject(0).getJsonObject("resource").getString("id"),
        "the same search answers once nothing holds it up");
  }
}
