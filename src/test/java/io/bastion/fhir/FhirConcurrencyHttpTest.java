package io.bastion.fhir;

import static io.bastion.fhir.FhirHttp.patient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Concurrent writes to one resource: version checks hold under a race, and history stays gap-free. */
class FhirConcurrencyHttpTest {

  private static final int WRITERS = 10;
  @RegisterExtension
  static final FhirHttp fhir = FhirHttp.onNewNode(Map.of());

  @RepeatedTest(3)
  void tenUpdatesFromTheSameVersionAtOnceExactlyOneWins() throws Exception {
    String id = fhir.create(patient("Race")).getString("id");
    List<HttpResponse<Buffer>> responses = fireAll(i -> fhir.node().client().put("/fhir/Patient/" + id)
        .putHeader("Content-Type", "application/fhir+json").putHeader("If-Match", "W/\"1\"")
        .sendBuffer(Buffer.buffer(patient("Writer" + i).put("id", id).encode())));
    long winners = responses.stream().filter(r -> r.statusCode() == 200).count();
    assertEquals(1, winners, statuses(responses));
    assertTrue(responses.stream().allMatch(r -> r.statusCode() == 200 || r.statusCode() == 409 || r.statusCode() == 412),
        statuses(responses));
    JsonObject current = fhir.get("/fhir/Patient/" + id).bodyAsJsonObject();
    assertEquals("2", current.getJsonObject("meta").getString("versionId"));
    assertEquals(2, fhir.get("/fhir/Patient/" + id + "/_history").bodyAsJsonObject().getInteger("total"));
  }

  @Test
  void unconditionalConcurrentUpdatesAllLandAsConsecutiveVersions() throws Exception {
    String id = fhir.create(patient("Queue")).getString("id");
    List<HttpResponse<Buffer>> responses = fireAll(i -> fhir.node().client().put("/fhir/Patient/" + id)
        .putHeader("Content-Type", "application/fhir+json")
        .sendBuffer(Buffer.buffer(patient("Writer" + i).put("id", id).encode())));
    assertTrue(responses.stream().allMatch(r -> r.statusCode() == 200), statuses(responses));
    List<String> etags = responses.stream().map(r -> r.getHeader("ETag")).sorted().toList();
    assertEquals(WRITERS, etags.stream().distinct().count(), "every write got its own version: " + etags);
    assertEquals(String.valueOf(WRITERS + 1),
        fhir.get("/fhir/Patient/" + id).bodyAsJsonObject().getJsonObject("meta").getString("versionId"));
  }

  @Test
  void concurrentUpdateAsCreateOfOneIdCreatesItOnce() throws Exception {
    String id = "racing-create";
    List<HttpResponse<Buffer>> responses = fireAll(i -> fhir.node().client().put("/fhir/Patient/" + id)
        .putHeader("Content-Type", "application/fhir+json")
        .sendBuffer(Buffer.buffer(patient("Creator" + i).put("id", id).encode())));
    assertEquals(1, responses.stream().filter(r -> r.statusCode() == 201).count(), statuses(responses));
    assertTrue(responses.stream().allMatch(r -> r.statusCode() == 201 || r.statusCode() == 200 || r.statusCode() == 409),
        statuses(responses));
    long updated = responses.stream().filter(r -> r.statusCode() == 200).count();
    assertEquals(String.valueOf(1 + updated),
        fhir.get("/fhir/Patient/" + id).bodyAsJsonObject().getJsonObject("meta").getString("versionId"));
  }

  @Test
  void concurrentCreateOnlyPutsOfOneIdLetExactlyOneWrite() throws Exception {
    String id = "racing-create-only";
    List<HttpResponse<Buffer>> responses = fireAll(i -> fhir.node().client().put("/fhir/Patient/" + id)
        .putHeader("Content-Type", "application/fhir+json").putHeader("If-None-Match", "*")
        .sendBuffer(Buffer.buffer(patient("Creator" + i).put("id", id).encode())));
    assertEquals(1, responses.stream().filter(r -> r.statusCode() == 201).count(), statuses(responses));
    assertTrue(responses.stream().allMatch(r -> r.statusCode() == 201 || r.statusCode() == 409 || r.statusCode() == 412),
        statuses(responses));
    assertEquals("1", fhir.get("/fhir/Patient/" + id).bodyAsJsonObject().getJsonObject("meta").getString("versionId"));
  }

  private static List<HttpResponse<Buffer>> fireAll(java.util.function.IntFunction<Future<HttpResponse<Buffer>>> request)
      throws Exception {
    List<Future<HttpResponse<Buffer>>> futures = new ArrayList<>();
    for (int i = 0; i < WRITERS; i++) {
      int writer = i;
      futures.add(fhir.node().call(() -> request.apply(writer)));
    }
    Future.all(futures).await(30, TimeUnit.SECONDS);
    return futures.stream().map(Future::result).toList();
  }

  private static String statuses(List<HttpResponse<Buffer>> responses) {
    return responses.stream().map(r -> r.statusCode() + "").toList().toString();
  }
}
