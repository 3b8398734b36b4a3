package io.bastion.fhir;

import static io.bastion.fhir.FhirHttp.patient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Reads by id run on one pipelined connection per event loop (docs/fhir.md, "Connections"). When PostgreSQL drops
 * those connections with reads in flight, each read in flight either answers or fails with an OperationOutcome, none
 * hangs (a lost connection answers 503 with Retry-After: the client may retry), and the reads after it are
 * answered on a new connection.
 */
class FhirReadOutageHttpTest {

  private static final String KILL_PIPELINES = """
      SELECT count(pg_terminate_backend(pid)) AS killed FROM pg_stat_activity
       WHERE application_name = 'bastion-pipelined' AND datname = current_database()""";
  @RegisterExtension
  static final FhirHttp fhir = FhirHttp.onNewNode(Map.of());

  @Test
  void readsInFlightWhenTheConnectionsDropFailCleanlyAndLaterReadsAreAnswered() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      ids.add(fhir.create(patient("Outage" + i)).getString("id"));
    }
    assertEquals(200, fhir.get("/fhir/Patient/" + ids.get(0)).statusCode()); // the pipelines are open

    List<Future<HttpResponse<Buffer>>> inFlight = new ArrayList<>();
    for (int round = 0; round < 10; round++) {
      for (String id : ids) {
        inFlight.add(fhir.node().call(() -> fhir.node().client().get("/fhir/Patient/" + id).send()));
      }
    }
    Row killed = fhir.node().node().pool().query(KILL_PIPELINES).execute().await(10, TimeUnit.SECONDS).iterator().next();
    assertTrue(killed.getLong("killed") >= 1, "a pipelined connection was open");
    Future.join(new ArrayList<>(inFlight)).otherwiseEmpty().await(30, TimeUnit.SECONDS);
    int failed = 0;
    for (Future<HttpResponse<Buffer>> read : inFlight) {
      assertTrue(read.succeeded(), "every read got an answer: " + read.cause());
      HttpResponse<Buffer> response = read.result();
      if (response.statusCode() != 200) {
        FhirHttp.assertOutcome(response, 503, "transient");
        assertEquals("1", response.getHeader("Retry-After"));
        failed++;
      }
    }

    System.out.println("reads in flight when the connections dropped: " + inFlight.size() + ", answered 503: " + failed);

    for (String id : ids) {
      HttpResponse<Buffer> after = fhir.getEventually("/fhir/Patient/" + id);
      assertEquals(200, after.statusCode(), after.bodyAsString());
      JsonObject resource = after.bodyAsJsonObject();
      assertEquals(id, resource.getString("id"), "each read gets its own resource");
    }
  }
}
