package io.bastion.fhir;

import static io.bastion.fhir.FhirHttp.assertOutcome;
import static io.bastion.fhir.FhirHttp.patient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** First-level validation of write bodies: exact statuses, OperationOutcomes, every problem at once. */
class FhirValidationHttpTest {

  @RegisterExtension
  static final FhirHttp fhir = FhirHttp.onNewNode(Map.of("http.max-body-bytes", "400000"));

  @Test
  void malformedJsonIs400() {
    assertOutcome(fhir.post("/fhir/Patient", "{\"resourceType\":\"Patient\","), 400, "invalid");
    assertOutcome(fhir.post("/fhir/Patient", "[1,2]"), 400, "invalid");
    assertOutcome(fhir.post("/fhir/Patient", "{} trailing"), 400, "invalid");
    assertOutcome(fhir.post("/fhir/Patient", ""), 400, "invalid");
    var issues = assertOutcome(fhir.post("/fhir/Patient",
        "{\"resourceType\":\"Patient\",\"gender\":\"male\",\"gender\":\"female\"}"), 400, "structure");
    assertEquals("gender", issues.getJsonObject(0).getJsonArray("expression").getString(0));
  }

  @Test
  void malformedPercentEscapesAndNamelessFormParametersAre400() {
    assertOutcome(fhir.send(HttpMethod.POST, "/fhir/Patient", patient("Esc"), Map.of("If-None-Exist", "family=%zz")),
        400, "invalid");
    assertOutcome(fhir.send(HttpMethod.POST, "/fhir/Patient/_search", "family=%zz",
        Map.of("Content-Type", "application/x-www-form-urlencoded")), 400, "invalid");
    assertOutcome(fhir.send(HttpMethod.POST, "/fhir/Patient/_search", "=x",
        Map.of("Content-Type", "application/x-www-form-urlencoded")), 400, "invalid");
    JsonObject search = new JsonObject().put("request", new JsonObject().put("method", "GET").put("url", "Patient?family=%zz"));
    JsonObject conditional = new JsonObject().put("resource", patient("Esc")).put("request", new JsonObject()
        .put("method", "POST").put("url", "Patient").put("ifNoneExist", "family=%G1"));
    for (JsonObject entry : new JsonObject[] {search, conditional}) {
      var issues = assertOutcome(fhir.post("/fhir", new JsonObject().put("resourceType", "Bundle").put("type", "transaction")
          .put("entry", new JsonArray().add(entry))), 400, "invalid");
      assertTrue(issues.getJsonObject(0).getJsonArray("expression").getString(0).startsWith("Bundle.entry[0].request."),
          issues.encode());
    }
    assertEquals(0, fhir.get("/fhir/Patient?family=Esc&_total=accurate").bodyAsJsonObject().getInteger("total"));
  }

  @Test
  void resourceTypeMustMatchTheUrlAndBeKnown() {
    var mismatch = assertOutcome(fhir.post("/fhir/Patient", new JsonObject().put("resourceType", "Observation")), 400,
        "invalid");
    assertEquals("resourceType", mismatch.getJsonObject(0).getJsonArray("expression").getString(0));
    assertOutcome(fhir.post("/fhir/Patient", new JsonObject().put("resourceType", "Martian")), 400, "not-supported");
    assertOutcome(fhir.post("/fhir/Patient", new JsonObject().put("name", new JsonArray())), 400, "required");
    assertOutcome(fhir.post("/fhir/Martian", new JsonObject().put("resourceType", "Martian")), 404, "not-found");
    assertOutcome(fhir.post("/fhir/DomainResource", new JsonObject().put("resourceType", "DomainResource")), 404,
        "not-found");
  }

  @Test
  void idsAreCheckedInPathAndBody() {
    assertOutcome(fhir.get("/fhir/Patient/" + "a".repeat(65)), 400, "value");
    assertOutcome(fhir.get("/fhir/Patient/bad_id"), 400, "value");
    assertOutcome(fhir.put("/fhir/Patient/bad_id", patient("X").put("id", "bad_id")), 400, "value");
    var mismatch = assertOutcome(fhir.put("/fhir/Patient/url-id", patient("X").put("id", "body-id")), 400, "invalid");
    assertEquals("id", mismatch.getJsonObject(0).getJsonArray("expression").getString(0));
    assertOutcome(fhir.put("/fhir/Patient/url-id", patient("X")), 400, "required");
    assertOutcome(fhir.put("/fhir/Patient/url-id", patient("X").put("id", 42)), 400, "value");
  }

  @Test
  void everyProblemIsReportedInOneOutcome() {
    JsonObject bad = new JsonObject().put("resourceType", "Observation").put("id", "other").put("meta", "not-an-object");
    var issues = assertOutcome(fhir.put("/fhir/Patient/url-id", bad), 400, "invalid");
    assertEquals(3, issues.size(), issues.encode());
    assertTrue(issues.stream().anyMatch(i -> "meta".equals(((JsonObject) i).getJsonArray("expression").getString(0))));
    assertTrue(issues.stream().anyMatch(i -> "id".equals(((JsonObject) i).getJsonArray("expression").getString(0))));
    assertEquals(404, fhir.get("/fhir/Patient/url-id").statusCode(), "nothing was stored");
  }

  @Test
  void nestingDeeperThanTheLimitIs422() {
    String deep = "{\"resourceType\":\"Patient\",\"extension\":" + "[".repeat(100) + "]".repeat(100) + "}";
    var issues = assertOutcome(fhir.post("/fhir/Patient", deep), 422, "too-costly");
    assertTrue(issues.getJsonObject(0).getString("diagnostics").contains("64"), issues.encode());
    String fine = "{\"resourceType\":\"Questionnaire\",\"status\":\"draft\",\"item\":"
        + "[{\"linkId\":\"1\",\"type\":\"group\",\"item\":".repeat(10)
        + "[{\"linkId\":\"leaf\",\"type\":\"string\"}]" + "}]".repeat(10) + "}";
    assertEquals(201, fhir.post("/fhir/Questionnaire", fine).statusCode());
  }

  @Test
  void arraysLongerThanTheLimitAre422() {
    StringBuilder big = new StringBuilder("{\"resourceType\":\"Patient\",\"identifier\":[");
    for (int i = 0; i < 10_001; i++) {
      big.append(i == 0 ? "" : ",").append("{}");
    }
    big.append("]}");
    var issues = assertOutcome(fhir.post("/fhir/Patient", big.toString()), 422, "too-costly");
    assertEquals("identifier", issues.getJsonObject(0).getJsonArray("expression").getString(0));
  }

  @Test
  void bodiesOverTheLimitAre413EvenWithoutContentLength() {
    String huge = "{\"resourceType\":\"Patient\",\"text\":\"" + "x".repeat(500_000) + "\"}";
    assertOutcome(fhir.post("/fhir/Patient", huge), 413, "too-costly");
    // chunked: no Content-Length, so the body handler's limit is what stops it
    var client = fhir.node().node().vertx().createHttpClient();
    try {
      int chunked = fhir.node().call(() -> client.request(HttpMethod.POST, fhir.node().port(), "localhost", "/fhir/Patient")
          .compose(request -> request.setChunked(true).putHeader("Content-Type", "application/fhir+json")
              .send(io.vertx.core.buffer.Buffer.buffer(huge)))
          .map(r -> r.statusCode()))
          .await();
      assertEquals(413, chunked);
    } finally {
      client.close();
    }
  }

  @Test
  void errorsDoNotQuoteTheSubmittedValues() {
    var response = fhir.put("/fhir/Patient/url-id", patient("X").put("id", "SecretMarker77"));
    assertEquals(400, response.statusCode());
    assertFalse(response.bodyAsString().contains("SecretMarker77"));
  }

  @Test
  void createIgnoresTheBodyId() {
    var created = fhir.send(HttpMethod.POST, "/fhir/Patient", patient("Y").put("id", "bad id!"), Map.of());
    assertEquals(201, created.statusCode(), "create ignores the body id entirely");
  }
}
