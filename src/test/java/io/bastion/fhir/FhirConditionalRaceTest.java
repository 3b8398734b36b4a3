package io.bastion.fhir;

import static io.bastion.fhir.FhirHttp.patient;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Conditional interactions racing on the same criteria: the advisory lock on the criteria makes the search and
 * the write of each one atomic with respect to the others, so exactly one resource is created.
 */
class FhirConditionalRaceTest {

  private static final String SYSTEM = "urn:test:race";
  private static final int RACERS = 12;

  @RegisterExtension
  static final FhirHttp fhir = FhirHttp.onNewNode(Map.of());

  private static JsonObject identified(String value) {
    return patient("Race").put("identifier", new JsonArray().add(new JsonObject().put("system", SYSTEM).put("value", value)));
  }

  private static String criteria(String value) {
    return "identifier=" + SYSTEM + "%7C" + value;
  }

  /** Sends every request at once (none awaits another) and counts the answers by status. */
  private static Map<Integer, Integer> race(Supplier<Future<HttpResponse<Buffer>>> request) {
    List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    for (int i = 0; i < RACERS; i++) {
      sent.add(fhir.node().call(request));
    }
    Future.join(sent).await();
    Map<Integer, Integer> statuses = new TreeMap<>();
    for (Future<HttpResponse<Buffer>> one : sent) {
      statuses.merge(one.result().statusCode(), 1, Integer::sum);
    }
    return statuses;
  }

  private static int matches(String value) {
    var found = fhir.get("/fhir/Patient?" + criteria(value) + "&_total=accurate");
    assertEquals(200, found.statusCode(), found.bodyAsString());
    return found.bodyAsJsonObject().getInteger("total");
  }

  @Test
  void parallelConditionalCreatesCreateExactlyOneResource() {
    String value = UUID.randomUUID().toString();
    Map<Integer, Integer> statuses = race(() -> fhir.node().client().request(HttpMethod.POST, "/fhir/Patient")
        .putHeader("Content-Type", "application/fhir+json").putHeader("If-None-Exist", criteria(value))
        .sendBuffer(identified(value).toBuffer()));
    assertEquals(Map.of(201, 1, 200, RACERS - 1), statuses, "one creates, the others find it");
    assertEquals(1, matches(value));
  }

  @Test
  void parallelConditionalUpdatesWithNoMatchCreateExactlyOneResource() {
    String value = UUID.randomUUID().toString();
    Map<Integer, Integer> statuses = race(() -> fhir.node().client().request(HttpMethod.PUT, "/fhir/Patient?" + criteria(value))
        .putHeader("Content-Type", "application/fhir+json").sendBuffer(identified(value).toBuffer()));
    assertEquals(Map.of(201, 1, 200, RACERS - 1), statuses, "one creates, the others update it");
    assertEquals(1, matches(value));
    var current = fhir.get("/fhir/Patient?" + criteria(value)).bodyAsJsonObject().getJsonArray("entry")
        .getJsonObject(0).getJsonObject("resource");
    assertEquals(Integer.toString(RACERS), current.getJsonObject("meta").getString("versionId"),
        "every update after the create made a version");
  }

  @Test
  void parallelTransactionsWithTheSameIfNoneExistCreateExactlyOneResource() {
    String value = UUID.randomUUID().toString();
    JsonObject bundle = new JsonObject().put("resourceType", "Bundle").put("type", "transaction")
        .put("entry", new JsonArray().add(new JsonObject().put("fullUrl", "urn:uuid:" + UUID.randomUUID())
            .put("resource", identified(value))
            .put("request", new JsonObject().put("method", "POST").put("url", "Patient")
                // the same criteria in another spelling takes the same lock
                .put("ifNoneExist", "_count=1&" + criteria(value)))));
    Map<Integer, Integer> statuses = race(() -> fhir.node().client().request(HttpMethod.POST, "/fhir")
        .putHeader("Content-Type", "application/fhir+json").sendBuffer(bundle.toBuffer()));
    assertEquals(Map.of(200, RACERS), statuses);
    assertEquals(1, matches(value));
  }

  @Test
  void parallelBatchConditionalEntriesCreateExactlyOneResource() {
    String value = UUID.randomUUID().toString();
    JsonObject bundle = new JsonObject().put("resourceType", "Bundle").put("type", "batch")
        .put("entry", new JsonArray().add(new JsonObject().put("resource", identified(value))
            .put("request", new JsonObject().put("method", "PUT").put("url", "Patient?" + criteria(value)))));
    Map<Integer, Integer> statuses = race(() -> fhir.node().client().request(HttpMethod.POST, "/fhir")
        .putHeader("Content-Type", "application/fhir+json").sendBuffer(bundle.toBuffer()));
    assertEquals(Map.of(200, RACERS), statuses);
    assertEquals(1, matches(value));
  }
}
