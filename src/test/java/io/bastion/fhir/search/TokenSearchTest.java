package io.bastion.fhir.search;

import static io.bastion.fhir.search.SearchHttp.ids;
import static io.bastion.fhir.search.SearchHttp.patient;
import static io.bastion.fhir.search.SearchHttp.set;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Token parameters: system|code, |code, system|, code, :not, :text, :missing; Identifier, ContactPoint, code, boolean, meta. */
class TokenSearchTest {

  private static final String LOINC = "http://loinc.org";
  @RegisterExtension
  static final SearchHttp fhir = new SearchHttp();
  private static String weight;
  private static String heartRate;
  private static String localCode;
  private static String textOnly;
  private static String ann;
  private static String bob;

  @BeforeAll
  static void start() {
    weight = fhir.create(observation(new JsonObject().put("coding", new JsonArray()
        .add(new JsonObject().put("system", LOINC).put("code", "29463-7").put("display", "Body Weight"))
        .add(new JsonObject().put("system", "http://snomed.info/sct").put("code", "27113001"))).put("text", "Weight")));
    heartRate = fhir.create(observation(new JsonObject().put("coding", new JsonArray()
        .add(new JsonObject().put("system", LOINC).put("code", "8867-4").put("display", "Heart rate")))));
    localCode = fhir.create(observation(new JsonObject().put("coding", new JsonArray()
        .add(new JsonObject().put("code", "8867-4")))));
    textOnly = fhir.create(observation(new JsonObject().put("text", "Pulse, résting")));
    ann = fhir.create(patient("Tokenova", "Ann", "1970-01-01").put("gender", "female").put("active", true)
        .put("identifier", new JsonArray().add(new JsonObject().put("system", "urn:oid:1.2.36.146.595.217.0.1")
            .put("value", "12345").put("type", new JsonObject().put("text", "Medical record number"))))
        .put("telecom", new JsonArray().add(new JsonObject().put("system", "phone").put("value", "555-0100"))
            .add(new JsonObject().put("system", "email").put("value", "ann@example.org")))
        .put("deceasedDateTime", "2020-01-01")
        .put("meta", new JsonObject().put("tag", new JsonArray().add(new JsonObject().put("system", "urn:tags")
            .put("code", "vip"))).put("security", new JsonArray().add(new JsonObject()
            .put("system", "http://terminology.hl7.org/CodeSystem/v3-Confidentiality").put("code", "R")))
            .put("profile", new JsonArray().add("http://example.org/StructureDefinition/my-patient"))));
    bob = fhir.create(patient("Tokenova", "Bob", "1971-01-01").put("gender", "male").put("active", false)
        .put("deceasedBoolean", false));
  }

  private static JsonObject observation(JsonObject code) {
    return new JsonObject().put("resourceType", "Observation").put("status", "final").put("code", code);
  }

  @Test
  void systemAndCodeForms() {
    assertEquals(set(heartRate), ids(fhir.search("Observation?code=http://loinc.org|8867-4")));
    assertEquals(set(heartRate, localCode), ids(fhir.search("Observation?code=8867-4")));
    assertEquals(set(localCode), ids(fhir.search("Observation?code=|8867-4")));
    assertEquals(set(weight, heartRate), ids(fhir.search("Observation?code=http://loinc.org|")));
    assertEquals(set(weight), ids(fhir.search("Observation?code=http://snomed.info/sct|27113001")));
    assertEquals(set(weight, heartRate), ids(fhir.search("Observation?code=http://loinc.org|29463-7,http://loinc.org|8867-4")));
  }

  @Test
  void notExcludesMatchingResourcesAndKeepsThoseWithoutTheElement() {
    assertEquals(set(weight, textOnly), ids(fhir.search("Observation?code:not=8867-4")));
    assertEquals(set(bob), ids(fhir.search("Patient?family=tokenova&gender:not=female")));
  }

  @Test
  void textMatchesCodeableConceptTextAndDisplaysIgnoringCaseAndAccents() {
    assertEquals(set(weight), ids(fhir.search("Observation?code:text=body")));
    assertEquals(set(weight), ids(fhir.search("Observation?code:text=WEIGHT")));
    assertEquals(set(textOnly), ids(fhir.search("Observation?code:text=pulse,%20resting")));
    assertEquals(set(ann), ids(fhir.search("Patient?identifier:text=medical")));
  }

  @Test
  void identifierContactPointCodeAndBoolean() {
    assertEquals(set(ann), ids(fhir.search("Patient?identifier=urn:oid:1.2.36.146.595.217.0.1|12345")));
    assertEquals(set(ann), ids(fhir.search("Patient?identifier=12345")));
    assertEquals(set(), ids(fhir.search("Patient?identifier=urn:other|12345")));
    assertEquals(set(ann), ids(fhir.search("Patient?phone=555-0100")));
    assertEquals(set(), ids(fhir.search("Patient?phone=ann@example.org")));
    assertEquals(set(ann), ids(fhir.search("Patient?email=ann@example.org")));
    assertEquals(set(ann), ids(fhir.search("Patient?family=tokenova&gender=female")));
    assertEquals(set(bob), ids(fhir.search("Patient?family=tokenova&active=false")));
    assertEquals(set(ann), ids(fhir.search("Patient?family=tokenova&deceased=true")));
    assertEquals(set(bob), ids(fhir.search("Patient?family=tokenova&deceased=false")));
  }

  @Test
  void missing() {
    assertEquals(set(ann), ids(fhir.search("Patient?family=tokenova&identifier:missing=false")));
    assertEquals(set(bob), ids(fhir.search("Patient?family=tokenova&identifier:missing=true")));
  }

  @Test
  void metaTagSecurityAndProfileOnEveryType() {
    assertEquals(set(ann), ids(fhir.search("Patient?_tag=urn:tags|vip")));
    assertEquals(set(ann), ids(fhir.search("Patient?_security=R")));
    assertEquals(set(ann), ids(fhir.search("Patient?_profile=http://example.org/StructureDefinition/my-patient")));
    assertEquals(set(), ids(fhir.search("Patient?_profile=http://example.org/StructureDefinition/my")));
    assertEquals(set(ann), ids(fhir.search("Patient?_profile:below=http://example.org/StructureDefinition/")));
    assertEquals(set(ann), ids(fhir.search("Patient?_profile:above=http://example.org/StructureDefinition/my-patient/v2")));
    assertEquals(set(), ids(fhir.search("Patient?_profile:above=http://example.org/other")));
    assertEquals(set(ann), ids(fhir.search("Patient?_id=" + ann)));
    assertEquals(set(ann, bob), ids(fhir.search("Patient?_id=" + ann + "," + bob)));
  }

  @Test
  void unsupportedModifierIs400() {
    SearchHttp.assertOutcome(fhir.get("/fhir/Observation?code:in=http://example.org/vs", java.util.Map.of()), 400,
        "not-supported");
  }
}
