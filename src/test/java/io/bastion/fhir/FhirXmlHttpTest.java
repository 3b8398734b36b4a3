package io.bastion.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * XML on every /fhir interaction, checked by parsing each response with HAPI's strict R4 XML parser: writes in XML
 * are stored as JSON, every response shape comes back as XML when asked, and hostile XML is refused.
 */
class FhirXmlHttpTest {

  private static final FhirContext HAPI = FhirContext.forR4();
  private static final Map<String, String> XML = Map.of("Content-Type", "application/fhir+xml", "Accept", "application/fhir+xml");
  private static final String NARRATIVE = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Ann <b>Xu</b></p></div>";

  // hostile XML (DOCTYPE, entities) is what the WAF blocks first in `on` mode; detection-only lets it reach
  // the XML edge, whose own refusal is what this class tests
  @RegisterExtension
  static final FhirHttp fhir = FhirHttp.onNewNode(Map.of("http.max-body-bytes", "65536", "waf.mode", "detection-only"));

  private static IParser strict() {
    return HAPI.newXmlParser().setParserErrorHandler(new StrictErrorHandler());
  }

  /** Asserts an XML response of this status and type, and parses it strictly. */
  private static <T extends IBaseResource> T xml(HttpResponse<Buffer> response, int status, Class<T> type) {
    assertEquals(status, response.statusCode(), response.bodyAsString());
    assertTrue(response.getHeader("Content-Type").startsWith("application/fhir+xml"), response.getHeader("Content-Type"));
    assertTrue(response.bodyAsString().startsWith("<" + type.getSimpleName() + " xmlns=\"http://hl7.org/fhir\""),
        response.bodyAsString());
    return strict().parseResource(type, response.bodyAsString());
  }

  private static OperationOutcome outcome(HttpResponse<Buffer> response, int status, String code) {
    OperationOutcome outcome = xml(response, status, OperationOutcome.class);
    assertTrue(outcome.getIssue().stream().anyMatch(i -> code.equals(i.getCode().toCode())),
        "expected issue code " + code + " in " + response.bodyAsString());
    return outcome;
  }

  private static String patientXml(String family) {
    return "<Patient xmlns=\"http://hl7.org/fhir\"><text><status value=\"generated\"/>" + NARRATIVE + "</text>"
        + "<name><family value=\"" + family + "\"/><given value=\"Ann\"/></name><birthDate value=\"1970-01-31\"/></Patient>";
  }

  @Test
  void createReadUpdateVreadInXmlStoreJson() {
    HttpResponse<Buffer> created = fhir.send(HttpMethod.POST, "/fhir/Patient", patientXml("Xu"), XML);
    Patient patient = xml(created, 201, Patient.class);
    String id = patient.getIdElement().getIdPart();
    assertEquals("1", patient.getMeta().getVersionId());
    assertEquals("Xu", patient.getNameFirstRep().getFamily());
    assertTrue(created.getHeader("Location").endsWith("/fhir/Patient/" + id + "/_history/1"));
    assertEquals("W/\"1\"", created.getHeader("ETag"));
    assertTrue(created.bodyAsString().contains("<b>Xu</b>"), "the narrative is XHTML: " + created.bodyAsString());

    // stored as JSON: the JSON read shows the same resource, narrative as a string
    JsonObject json = fhir.get("/fhir/Patient/" + id).bodyAsJsonObject();
    assertEquals("Xu", json.getJsonArray("name").getJsonObject(0).getString("family"));
    assertEquals(NARRATIVE, json.getJsonObject("text").getString("div"));

    String updated = patientXml("Xu-Li").replace("<Patient xmlns=\"http://hl7.org/fhir\">",
        "<Patient xmlns=\"http://hl7.org/fhir\"><id value=\"" + id + "\"/>");
    Patient second = xml(fhir.send(HttpMethod.PUT, "/fhir/Patient/" + id, updated, XML), 200, Patient.class);
    assertEquals("2", second.getMeta().getVersionId());
    Patient first = xml(fhir.get("/fhir/Patient/" + id + "/_history/1?_format=xml"), 200, Patient.class);
    assertEquals("Xu", first.getNameFirstRep().getFamily());
    assertEquals(304, fhir.get("/fhir/Patient/" + id, Map.of("Accept", "application/fhir+xml", "If-None-Match", "W/\"2\""))
        .statusCode());
  }

  @Test
  void searchAndHistoryBundlesInXml() {
    for (int i = 0; i < 3; i++) {
      fhir.create(FhirHttp.patient("Bundled"));
    }
    Bundle page = xml(fhir.get("/fhir/Patient?family=Bundled&_count=2&_format=xml"), 200, Bundle.class);
    assertEquals(Bundle.BundleType.SEARCHSET, page.getType());
    assertEquals(2, page.getEntry().size());
    assertNotNull(page.getLink("next"), "paging links survive the conversion");
    // a client that chose XML by _format gets XML on every page: the links keep _format
    String next = page.getLink("next").getUrl();
    Bundle second = xml(fhir.node().send(HttpMethod.GET, next.substring(next.indexOf("/fhir/")), Map.of(), null), 200, Bundle.class);
    assertEquals(1, second.getEntry().size());
    assertEquals("Bundled", ((Patient) page.getEntryFirstRep().getResource()).getNameFirstRep().getFamily());
    Bundle history = xml(fhir.get("/fhir/Patient/_history?_count=2", Map.of("Accept", "application/fhir+xml")), 200,
        Bundle.class);
    assertEquals(Bundle.BundleType.HISTORY, history.getType());
    assertEquals(2, history.getEntry().size());
    String historyNext = xml(fhir.get("/fhir/Patient/_history?_count=1&_format=xml"), 200, Bundle.class)
        .getLink("next").getUrl();
    xml(fhir.node().send(HttpMethod.GET, historyNext.substring(historyNext.indexOf("/fhir/")), Map.of(), null), 200, Bundle.class);
    assertNotNull(history.getEntryFirstRep().getRequest().getMethod());
  }

  @Test
  void transactionInXmlRewritesUrnUuidsAndAnswersInXml() {
    String bundle = """
        <Bundle xmlns="http://hl7.org/fhir"><type value="transaction"/>
          <entry><fullUrl value="urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a"/>
            <resource><Patient><name><family value="Tx"/></name></Patient></resource>
            <request><method value="POST"/><url value="Patient"/></request></entry>
          <entry><fullUrl value="urn:uuid:88f151c0-a954-468a-88bd-5ae15c08e059"/>
            <resource><Observation><status value="final"/><code><text value="weight"/></code>
              <subject><reference value="urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a"/></subject>
              <valueQuantity><value value="72.50"/><unit value="kg"/></valueQuantity></Observation></resource>
            <request><method value="POST"/><url value="Observation"/></request></entry>
        </Bundle>""";
    Bundle response = xml(fhir.send(HttpMethod.POST, "/fhir", bundle, XML), 200, Bundle.class);
    assertEquals(Bundle.BundleType.TRANSACTIONRESPONSE, response.getType());
    assertEquals("201 Created", response.getEntry().get(0).getResponse().getStatus());
    String patientLocation = response.getEntry().get(0).getResponse().getLocation();
    String observationLocation = response.getEntry().get(1).getResponse().getLocation();
    JsonObject observation = fhir.get("/fhir/" + observationLocation.substring(0, observationLocation.indexOf("/_history")))
        .bodyAsJsonObject();
    assertEquals(patientLocation.substring(0, patientLocation.indexOf("/_history")),
        observation.getJsonObject("subject").getString("reference"));
    String stored = fhir.get("/fhir/" + observationLocation.substring(0, observationLocation.indexOf("/_history")))
        .bodyAsString();
    assertTrue(stored.matches("(?s).*\"value\": ?72\\.50[,}].*"), "the decimal keeps its precision through XML: " + stored);
  }

  @Test
  void errorsComeAsXmlOperationOutcomes() {
    outcome(fhir.get("/fhir/Patient/no-such-patient", Map.of("Accept", "application/fhir+xml")), 404, "not-found");
    outcome(fhir.get("/fhir/NotAType/1?_format=xml"), 404, "not-found");
    // 415 with the client's XML preference; 406 cannot be answered in a format the client refused, so JSON
    outcome(fhir.send(HttpMethod.POST, "/fhir/Patient?_format=xml", "x", Map.of("Content-Type", "text/plain")), 415,
        "not-supported");
    assertTrue(fhir.get("/fhir/Patient/x", Map.of("Accept", "image/png")).getHeader("Content-Type")
        .startsWith("application/fhir+json"));
    // wrong resource type in the body: the validator's 400, in XML
    outcome(fhir.send(HttpMethod.POST, "/fhir/Observation", patientXml("Wrong"), XML), 400, "invalid");
    // no route for the method (the router's error handler)
    outcome(fhir.node().send(HttpMethod.DELETE, "/fhir", Map.of("Accept", "application/fhir+xml"), null), 405, "not-supported");
  }

  @Test
  void hostileAndInvalidXmlIsRefused() {
    String xxe = "<?xml version=\"1.0\"?><!DOCTYPE Patient [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
        + "<Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"&xxe;\"/></name></Patient>";
    HttpResponse<Buffer> refused = fhir.send(HttpMethod.POST, "/fhir/Patient", xxe, XML);
    outcome(refused, 400, "security");
    assertFalse(refused.bodyAsString().contains("root:"), "the file is never read");
    StringBuilder laughs = new StringBuilder("<!DOCTYPE lolz [<!ENTITY lol \"lol\">");
    for (int i = 1; i <= 9; i++) {
      laughs.append("<!ENTITY lol").append(i).append(" \"").append(("&lol" + (i == 1 ? "" : i - 1) + ";").repeat(10))
          .append("\">");
    }
    laughs.append("]><Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"&lol9;\"/></name></Patient>");
    outcome(fhir.send(HttpMethod.POST, "/fhir/Patient", laughs.toString(), XML), 400, "security");
    outcome(fhir.send(HttpMethod.POST, "/fhir/Patient", "<Patient xmlns=\"http://hl7.org/fhir\"><name>", XML), 400, "invalid");
    outcome(fhir.send(HttpMethod.POST, "/fhir/Patient",
        "<Patient xmlns=\"http://hl7.org/fhir\"><favouriteColour value=\"blue\"/></Patient>", XML), 400, "structure");
    outcome(fhir.send(HttpMethod.POST, "/fhir/Patient", "<a>".repeat(200) + "</a>".repeat(200), XML), 422, "too-costly");
    // the body limit (64 KiB here) applies to XML as to JSON
    String big = "<Patient xmlns=\"http://hl7.org/fhir\">" + "<!-- padding -->".repeat(5000) + "</Patient>";
    outcome(fhir.send(HttpMethod.POST, "/fhir/Patient", big, XML), 413, "too-costly");
    // and nothing of it was stored
    assertEquals(0, fhir.get("/fhir/Patient?name=blue").bodyAsJsonObject().getJsonArray("entry", new io.vertx.core.json.JsonArray()).size());
  }

  @Test
  void capabilityStatementAndMediaTypesAsAsked() {
    CapabilityStatement statement = xml(fhir.get("/fhir/metadata?_format=xml"), 200, CapabilityStatement.class);
    assertTrue(statement.getFormat().stream().anyMatch(f -> "xml".equals(f.getValue())));
    assertTrue(statement.getFormat().stream().anyMatch(f -> "application/fhir+xml".equals(f.getValue())));
    assertTrue(fhir.get("/fhir/metadata", Map.of("Accept", "application/xml")).getHeader("Content-Type")
        .startsWith("application/xml"));
    assertTrue(fhir.get("/fhir/metadata?_format=text/xml").getHeader("Content-Type").startsWith("text/xml"));
    HttpResponse<Buffer> browser = fhir.get("/fhir/metadata",
        Map.of("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"));
    assertTrue(browser.getHeader("Content-Type").startsWith("application/xml"), "q=0.9 beats */* at 0.8");
    assertTrue(fhir.get("/fhir/metadata?_format=json", Map.of("Accept", "application/fhir+xml")).getHeader("Content-Type")
        .startsWith("application/fhir+json"), "_format wins over Accept");
  }

  @Test
  void preferOperationOutcomeAndDeleteInXml() {
    Map<String, String> headers = Map.of("Content-Type", "application/fhir+xml", "Accept", "application/fhir+xml",
        "Prefer", "return=OperationOutcome");
    HttpResponse<Buffer> created = fhir.send(HttpMethod.POST, "/fhir/Patient", patientXml("Outcome"), headers);
    outcome(created, 201, "informational");
    String location = created.getHeader("Location");
    String path = location.substring(location.indexOf("/fhir/"), location.indexOf("/_history"));
    assertEquals(204, fhir.send(HttpMethod.DELETE, path, null, Map.of("Accept", "application/fhir+xml")).statusCode());
    outcome(fhir.get(path, Map.of("Accept", "application/fhir+xml")), 410, "deleted");
  }
}
