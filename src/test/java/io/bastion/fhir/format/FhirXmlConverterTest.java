package io.bastion.fhir.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** JSON to XML and back through HAPI's R4 parsers: what a client sends or stored is what comes back. */
class FhirXmlConverterTest {

  private static final FhirXmlConverter CONVERTER = new FhirXmlConverter(128);

  private static final String NARRATIVE = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Ann <b>Smith</b> &amp; co</p></div>";

  private static JsonObject roundTrip(JsonObject json) {
    String xml = CONVERTER.jsonToXml(json.encode());
    return new JsonObject(CONVERTER.xmlToJson(xml.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void patientWithNarrativeDecimalsExtensionsAndContainedRoundTrips() {
    // the JSON text, not a JsonObject: Vert.x would read 1.50 as the double 1.5
    String text = """
        {"resourceType":"Patient","id":"p1","meta":{"versionId":"3","lastUpdated":"2026-01-02T03:04:05.678Z",
         "tag":[{"system":"urn:t","code":"x"}]},
         "text":{"status":"generated","div":"%s"},
         "contained":[{"resourceType":"Organization","id":"org1","name":"Clinic"}],
         "extension":[{"url":"http://example.org/weight","valueDecimal":1.50}],
         "managingOrganization":{"reference":"#org1"},
         "generalPractitioner":[{"reference":"Practitioner/7/_history/2"}],
         "name":[{"family":"Smith","given":["Ann","B."]}],
         "birthDate":"1970-01-31","_birthDate":{"extension":[{"url":"http://example.org/precise","valueBoolean":true}]},
         "deceasedBoolean":false}""".formatted(NARRATIVE.replace("\"", "\\\""));
    JsonObject patient = new JsonObject(text);
    String xml = CONVERTER.jsonToXml(text);
    assertTrue(xml.startsWith("<Patient xmlns=\"http://hl7.org/fhir\">"), xml);
    assertTrue(xml.contains("<b>Smith</b>"), "the narrative is XHTML inside the XML, not an escaped string: " + xml);
    assertTrue(xml.contains("<valueDecimal value=\"1.50\">"), "decimals keep their precision: " + xml);
    assertTrue(CONVERTER.xmlToJson(xml.getBytes(StandardCharsets.UTF_8)).contains("\"valueDecimal\":1.50"));
    assertEquals(patient, roundTrip(patient));
  }

  @Test
  void transactionBundleWithUrnUuidReferencesRoundTrips() {
    JsonObject bundle = new JsonObject("""
        {"resourceType":"Bundle","type":"transaction","entry":[
          {"fullUrl":"urn:uuid:0d9b3cbb-1f4c-4d9b-a8c4-aaaaaaaaaaaa",
           "resource":{"resourceType":"Patient","name":[{"family":"Doe"}]},
           "request":{"method":"POST","url":"Patient"}},
          {"fullUrl":"urn:uuid:0d9b3cbb-1f4c-4d9b-a8c4-bbbbbbbbbbbb",
           "resource":{"resourceType":"Observation","status":"final","code":{"text":"w"},
             "subject":{"reference":"urn:uuid:0d9b3cbb-1f4c-4d9b-a8c4-aaaaaaaaaaaa"},
             "valueQuantity":{"value":72.0,"unit":"kg"}},
           "request":{"method":"POST","url":"Observation","ifNoneExist":"identifier=a|b"}}]}""");
    assertEquals(bundle, roundTrip(bundle));
  }

  @Test
  void searchsetWithLinksAndOutcomeEntryRoundTrips() {
    JsonObject bundle = new JsonObject("""
        {"resourceType":"Bundle","type":"searchset","total":1,
         "link":[{"relation":"self","url":"http://h/fhir/Patient?_count=1"},
                 {"relation":"next","url":"http://h/fhir/Patient?_count=1&_cursor=abc"}],
         "entry":[{"fullUrl":"http://h/fhir/Patient/1","resource":{"resourceType":"Patient","id":"1",
           "meta":{"versionId":"1"}},"search":{"mode":"match"}},
          {"resource":{"resourceType":"OperationOutcome","issue":[{"severity":"warning","code":"not-supported",
           "diagnostics":"ignored: foo","expression":["foo"]}]},"search":{"mode":"outcome"}}]}""");
    assertEquals(bundle, roundTrip(bundle));
  }

  @Test
  void xmlFromAClientBecomesJson() {
    String xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <Patient xmlns="http://hl7.org/fhir">
          <!-- a comment is fine -->
          <name><family value="Ng"/><given value="Mai"/></name>
          <gender value="female"/>
        </Patient>""";
    JsonObject json = new JsonObject(CONVERTER.xmlToJson(xml.getBytes(StandardCharsets.UTF_8)));
    assertEquals(new JsonObject("""
        {"resourceType":"Patient","name":[{"family":"Ng","given":["Mai"]}],"gender":"female"}"""), json);
  }

  @Test
  void unknownElementsAndInvalidValuesAreRefusedNotDropped() {
    XmlRejectedException unknown = assertThrows(XmlRejectedException.class, () -> CONVERTER.xmlToJson(
        "<Patient xmlns=\"http://hl7.org/fhir\"><colour value=\"blue\"/></Patient>".getBytes(StandardCharsets.UTF_8)));
    assertEquals(400, unknown.status());
    XmlRejectedException invalid = assertThrows(XmlRejectedException.class, () -> CONVERTER.xmlToJson(
        "<Patient xmlns=\"http://hl7.org/fhir\"><birthDate value=\"secret-1970\"/></Patient>".getBytes(StandardCharsets.UTF_8)));
    assertEquals(400, invalid.status());
    assertFalse(invalid.getMessage().contains("secret-1970"), "values are not echoed: " + invalid.getMessage());
    assertThrows(XmlRejectedException.class, () -> CONVERTER.xmlToJson(
        "<Banana xmlns=\"http://hl7.org/fhir\"/>".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void warmUpConvertsTheDocumentsItIsGiven() {
    CONVERTER.warmUp("{\"resourceType\":\"CapabilityStatement\",\"status\":\"active\",\"kind\":\"instance\","
        + "\"format\":[\"json\",\"xml\"]}");
    assertThrows(RuntimeException.class, () -> CONVERTER.warmUp("{\"resourceType\":\"NoSuchType\"}"));
  }

  @Test
  void notUtf8IsRefused() {
    byte[] latin1 = "<Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"Müller\"/></name></Patient>"
        .getBytes(StandardCharsets.ISO_8859_1);
    assertEquals(400, assertThrows(XmlRejectedException.class, () -> CONVERTER.xmlToJson(latin1)).status());
  }
}
