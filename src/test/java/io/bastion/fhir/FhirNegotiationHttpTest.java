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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Content negotiation refusals (406/415 with OperationOutcomes) and the CapabilityStatement; XML itself: FhirXmlHttpTest. */
class FhirNegotiationHttpTest {

  @RegisterExtension
  static final FhirHttp fhir = FhirHttp.onNewNode(Map.of());
  private static String id;

  @BeforeAll
  static void createPatient() {
    id = fhir.create(patient("Negotiated")).getString("id");
  }

  @Test
  void jsonTypesAndFormatsAreServed() {
    String path = "/fhir/Patient/" + id;
    assertTrue(fhir.get(path, Map.of("Accept", "application/fhir+json")).getHeader("Content-Type")
        .startsWith("application/fhir+json"));
    assertTrue(fhir.get(path, Map.of("Accept", "application/json")).getHeader("Content-Type").startsWith("application/json"));
    assertEquals(200, fhir.get(path, Map.of("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")).statusCode());
    assertEquals(200, fhir.get(path + "?_format=json", Map.of("Accept", "application/fhir+xml")).statusCode(),
        "_format wins over Accept");
    assertEquals(200, fhir.get(path + "?_format=application/fhir%2Bjson").statusCode());
  }

  @Test
  void unservableAcceptOrFormatIs406() {
    String path = "/fhir/Patient/" + id;
    assertOutcome(fhir.get(path, Map.of("Accept", "image/png")), 406, "not-supported");
    assertOutcome(fhir.get(path, Map.of("Accept", "application/fhir+json;q=0, text/plain")), 406, "not-supported");
    assertOutcome(fhir.get(path, Map.of("Accept", "application/fhir+json;q=0, application/fhir+xml;q=0, "
        + "application/json;q=0, application/xml;q=0, text/xml;q=0")), 406, "not-supported");
    assertOutcome(fhir.get(path + "?_format=turtle", Map.of("Accept", "application/fhir+json")), 406, "not-supported");
    assertOutcome(fhir.get("/fhir/metadata?_format=text/turtle"), 406, "not-supported");
  }

  @Test
  void unreadableContentTypeIs415() {
    assertOutcome(fhir.send(HttpMethod.POST, "/fhir/Patient", "name: x", Map.of("Content-Type", "application/yaml")), 415,
        "not-supported");
    assertOutcome(fhir.send(HttpMethod.PATCH, "/fhir/Patient/" + id, "<Patient xmlns=\"http://hl7.org/fhir\"/>",
        Map.of("Content-Type", "application/fhir+xml")), 415, "not-supported");
    assertOutcome(fhir.send(HttpMethod.POST, "/fhir/Patient/_search", "<Parameters xmlns=\"http://hl7.org/fhir\"/>",
        Map.of("Content-Type", "application/fhir+xml")), 415, "not-supported");
    assertOutcome(fhir.send(HttpMethod.POST, "/fhir/Patient", patient("X"), Map.of("Content-Type", "text/plain")), 415,
        "not-supported");
    assertOutcome(fhir.send(HttpMethod.POST, "/fhir/Patient", patient("X"),
        Map.of("Content-Type", "application/fhir+json; charset=iso-8859-1")), 415, "not-supported");
    assertEquals(201, fhir.send(HttpMethod.POST, "/fhir/Patient", patient("X"),
        Map.of("Content-Type", "application/json; charset=UTF-8")).statusCode());
    assertEquals(201, fhir.send(HttpMethod.PUT, "/fhir/Patient/json-typed", patient("X").put("id", "json-typed"),
        Map.of("Content-Type", "application/json")).statusCode());
  }

  @Test
  void capabilityStatementListsExactlyWhatIsImplemented() {
    var response = fhir.get("/fhir/metadata");
    assertEquals(200, response.statusCode());
    JsonObject statement = response.bodyAsJsonObject();
    assertEquals("CapabilityStatement", statement.getString("resourceType"));
    assertEquals(new JsonArray().add("application/fhir+json").add("json").add("application/fhir+xml").add("xml"),
        statement.getJsonArray("format"));
    assertEquals(new JsonArray().add("application/json-patch+json"), statement.getJsonArray("patchFormat"));
    JsonObject rest = statement.getJsonArray("rest").getJsonObject(0);
    assertEquals("history-system", rest.getJsonArray("interaction").getJsonObject(0).getString("code"));
    JsonArray resources = rest.getJsonArray("resource");
    assertEquals(146, resources.size(), "every concrete R4 resource type");
    JsonObject patientEntry = resources.stream().map(JsonObject.class::cast)
        .filter(r -> "Patient".equals(r.getString("type"))).findFirst().orElseThrow();
    assertEquals(new JsonArray(CapabilityStatementBuilder.TYPE_INTERACTIONS.stream()
            .map(code -> new JsonObject().put("code", code)).toList()),
        patientEntry.getJsonArray("interaction"));
    JsonArray searchParams = patientEntry.getJsonArray("searchParam");
    assertTrue(searchParams.stream().map(JsonObject.class::cast).anyMatch(p -> "family".equals(p.getString("name"))
        && "string".equals(p.getString("type"))
        && "http://hl7.org/fhir/SearchParameter/individual-family".equals(p.getString("definition"))));
    assertTrue(searchParams.stream().map(JsonObject.class::cast).anyMatch(p -> "_tag".equals(p.getString("name"))));
    assertEquals(true, patientEntry.getBoolean("conditionalCreate"));
    assertEquals(true, patientEntry.getBoolean("conditionalUpdate"));
    assertEquals("single", patientEntry.getString("conditionalDelete"));
    assertEquals(true, patientEntry.getBoolean("updateCreate"));
    assertEquals("versioned-update", patientEntry.getString("versioning"));
    assertTrue(resources.stream().map(JsonObject.class::cast).allMatch(r -> r.getJsonArray("interaction").stream()
        .anyMatch(i -> "search-type".equals(((JsonObject) i).getString("code")))));
    JsonObject basic = resources.stream().map(JsonObject.class::cast)
        .filter(r -> "Basic".equals(r.getString("type"))).findFirst().orElseThrow();
    assertFalse(basic.getJsonArray("searchParam").stream().map(JsonObject.class::cast)
        .anyMatch(p -> "code".equals(p.getString("name"))), "Basic is searchable by the common parameters only");
  }

  @Test
  void unimplementedInteractionsAreNotSilentlyAccepted() {
    var systemSearch = fhir.get("/fhir?name=x");
    assertTrue(systemSearch.statusCode() == 404 || systemSearch.statusCode() == 405,
        String.valueOf(systemSearch.statusCode()));
  }
}
