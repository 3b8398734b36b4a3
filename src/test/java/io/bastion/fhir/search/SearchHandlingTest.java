package io.bastion.fhir.search;

import static io.bastion.fhir.search.SearchHttp.ids;
import static io.bastion.fhir.search.SearchHttp.patient;
import static io.bastion.fhir.search.SearchHttp.set;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Unknown parameters under strict and lenient handling, POST _search, _elements and _summary=data. */
class SearchHandlingTest {

  @RegisterExtension
  static final SearchHttp fhir = new SearchHttp();
  private static String ann;
  private static String bob;

  @BeforeAll
  static void start() {
    ann = fhir.create(patient("Handler", "Ann", "1970-01-01").put("text", new JsonObject().put("status", "generated")
        .put("div", "<div xmlns=\"http://www.w3.org/1999/xhtml\">Ann</div>")).put("gender", "female"));
    bob = fhir.create(patient("Handler", "Bob", "1980-01-01").put("gender", "male"));
  }

  @Test
  void lenientIgnoresUnknownParametersAndSaysSo() {
    JsonObject bundle = fhir.search("Patient?family=handler&shoe-size=42");
    assertEquals(set(ann, bob), ids(bundle));
    assertFalse(SearchHttp.link(bundle, "self").contains("shoe-size"), "the self link shows the search as run");
    JsonObject outcome = bundle.getJsonArray("entry").stream().map(JsonObject.class::cast)
        .filter(e -> "outcome".equals(e.getJsonObject("search").getString("mode"))).findFirst().orElseThrow()
        .getJsonObject("resource");
    assertEquals("OperationOutcome", outcome.getString("resourceType"));
    assertEquals("shoe-size", outcome.getJsonArray("issue").getJsonObject(0).getJsonArray("expression").getString(0));
    assertEquals(set(ann, bob), ids(SearchHttp.bundle(fhir.get("/fhir/Patient?family=handler&shoe-size=42",
        Map.of("Prefer", "handling=lenient")))));
  }

  @Test
  void strictRefusesUnknownParameters() {
    SearchHttp.assertOutcome(fhir.get("/fhir/Patient?family=handler&shoe-size=42", Map.of("Prefer", "handling=strict")),
        400, "not-supported");
    SearchHttp.assertOutcome(fhir.get("/fhir/Patient?subject.name=x", Map.of("Prefer", "handling=strict")),
        400, "not-supported");
    assertEquals(set(ann), ids(SearchHttp.bundle(fhir.get("/fhir/Patient?family=handler&gender=female",
        Map.of("Prefer", "handling=strict")))));
  }

  @Test
  void postSearchTakesAForm() {
    var response = fhir.node.send(HttpMethod.POST, "/fhir/Patient/_search",
        Map.of("Content-Type", "application/x-www-form-urlencoded"), Buffer.buffer("family=handler&given=bo"));
    assertEquals(set(bob), ids(SearchHttp.bundle(response)));
    var mixed = fhir.node.send(HttpMethod.POST, "/fhir/Patient/_search?family=handler",
        Map.of("Content-Type", "application/x-www-form-urlencoded"), Buffer.buffer("gender=female"));
    assertEquals(set(ann), ids(SearchHttp.bundle(mixed)));
    SearchHttp.assertOutcome(fhir.node.send(HttpMethod.POST, "/fhir/Patient/_search",
        Map.of("Content-Type", "application/fhir+json"), Buffer.buffer("{}")), 415, "not-supported");
  }

  @Test
  void andedParametersAreBoundedAndOredValuesAreNot() {
    StringBuilder most = new StringBuilder("family=handler");
    for (int i = 1; i < SearchRequest.MAX_CRITERIA; i++) {
      most.append("&name=handler");
    }
    assertEquals(set(ann, bob), ids(fhir.search("Patient?" + most)));
    // each AND-ed parameter is a join PostgreSQL plans: past the bound, planning alone took seconds
    SearchHttp.assertOutcome(fhir.get("/fhir/Patient?" + most + "&given=ann", Map.of()), 400, "too-costly");
    SearchHttp.assertOutcome(fhir.node.send(HttpMethod.POST, "/fhir/Patient/_search",
        Map.of("Content-Type", "application/x-www-form-urlencoded"), Buffer.buffer(most + "&general-practitioner.name=x")),
        400, "too-costly");
    StringBuilder alternatives = new StringBuilder("Patient?family=handler&given=ann");
    for (int i = 0; i < 500; i++) {
      alternatives.append(",x").append(i);
    }
    assertEquals(set(ann), ids(fhir.search(alternatives.toString())));
  }

  @Test
  void postSearchTakesValuesTooLongForAUrl() {
    StringBuilder manyIds = new StringBuilder("_id=" + ann);
    for (int i = 0; i < 400; i++) {
      manyIds.append(",").append(java.util.UUID.randomUUID()); // 400 ids: ~15 KB, past the 8 KB request line
    }
    var response = fhir.node.send(HttpMethod.POST, "/fhir/Patient/_search",
        Map.of("Content-Type", "application/x-www-form-urlencoded"), Buffer.buffer(manyIds.toString()));
    assertEquals(set(ann), ids(SearchHttp.bundle(response)));
    StringBuilder fields = new StringBuilder("family=handler");
    for (int i = 0; i < 300; i++) {
      fields.append("&_pretty=false");
    }
    var tooMany = fhir.node.send(HttpMethod.POST, "/fhir/Patient/_search",
        Map.of("Content-Type", "application/x-www-form-urlencoded"), Buffer.buffer(fields.toString()));
    SearchHttp.assertOutcome(tooMany, 400, "invalid");
    assertTrue(tooMany.bodyAsString().contains("more fields than the server reads"), tooMany.bodyAsString());
    var tooLong = fhir.node.send(HttpMethod.POST, "/fhir/Patient/_search",
        Map.of("Content-Type", "application/x-www-form-urlencoded"), Buffer.buffer("family=" + "x".repeat(70_000)));
    SearchHttp.assertOutcome(tooLong, 400, "invalid");
    assertTrue(tooLong.bodyAsString().contains("longer than the server reads"), tooLong.bodyAsString());
  }

  @Test
  void elementsAndSummaryDataSubsetTheResources() {
    JsonObject bundle = fhir.search("Patient?_id=" + ann + "&_elements=gender");
    JsonObject resource = bundle.getJsonArray("entry").getJsonObject(0).getJsonObject("resource");
    assertEquals("female", resource.getString("gender"));
    assertEquals(ann, resource.getString("id"));
    assertFalse(resource.containsKey("name"));
    assertTrue(resource.getJsonObject("meta").getJsonArray("tag").encode().contains("SUBSETTED"));
    JsonObject data = fhir.search("Patient?_id=" + ann + "&_summary=data")
        .getJsonArray("entry").getJsonObject(0).getJsonObject("resource");
    assertFalse(data.containsKey("text"));
    assertTrue(data.containsKey("name"));
    JsonObject summary = fhir.search("Patient?_id=" + ann + "&_summary=true")
        .getJsonArray("entry").getJsonObject(0).getJsonObject("resource");
    assertTrue(summary.containsKey("name") && summary.containsKey("birthDate") && summary.containsKey("gender"));
    assertFalse(summary.containsKey("text"));
    assertTrue(summary.getJsonObject("meta").getJsonArray("tag").encode().contains("SUBSETTED"));
    JsonObject text = fhir.search("Patient?_id=" + ann + "&_summary=text")
        .getJsonArray("entry").getJsonObject(0).getJsonObject("resource");
    assertTrue(text.containsKey("text"));
    assertFalse(text.containsKey("name"));
  }

  @Test
  void summaryTrueKeepsChoiceElements() {
    String obs = fhir.create(new JsonObject().put("resourceType", "Observation").put("status", "final")
        .put("code", new JsonObject().put("text", "summary")).put("valueQuantity", new JsonObject().put("value", 1))
        .put("note", new JsonArray().add(new JsonObject().put("text", "not in the summary"))));
    JsonObject resource = fhir.search("Observation?_id=" + obs + "&_summary=true")
        .getJsonArray("entry").getJsonObject(0).getJsonObject("resource");
    assertTrue(resource.containsKey("valueQuantity"));
    assertTrue(resource.containsKey("status"));
    assertFalse(resource.containsKey("note"));
  }

  @Test
  void unknownTypeIs404AndBadResultParametersAre400() {
    SearchHttp.assertOutcome(fhir.get("/fhir/Patientx?name=a", Map.of()), 404, "not-found");
    SearchHttp.assertOutcome(fhir.get("/fhir/Patient?_total=maybe", Map.of()), 400, "value");
    SearchHttp.assertOutcome(fhir.get("/fhir/Patient?_summary=maybe", Map.of()), 400, "value");
    SearchHttp.assertOutcome(fhir.get("/fhir/Patient?gender:missing=perhaps", Map.of()), 400, "value");
  }

  @Test
  void everyOtherTypeSearchesByIdAndLastUpdated() {
    String basic = fhir.create(new JsonObject().put("resourceType", "Basic").put("code", new JsonObject()
        .put("text", "x")).put("meta", new JsonObject().put("tag", new JsonArray().add(new JsonObject()
            .put("code", "basic-tag")))));
    assertEquals(set(basic), ids(fhir.search("Basic?_id=" + basic)));
    assertEquals(set(basic), ids(fhir.search("Basic?_lastUpdated=gt2020&_tag=basic-tag")));
  }
}
