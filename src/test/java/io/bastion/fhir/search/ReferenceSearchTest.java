package io.bastion.fhir.search;

import static io.bastion.fhir.search.SearchHttp.ids;
import static io.bastion.fhir.search.SearchHttp.patient;
import static io.bastion.fhir.search.SearchHttp.set;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Reference parameters: Type/id, id, :Type, absolute URLs, where(resolve() is X), one level of chaining, _has. */
class ReferenceSearchTest {

  @RegisterExtension
  static final SearchHttp fhir = new SearchHttp();
  private static String peter;
  private static String paula;
  private static String group;
  private static String peterGlucose;
  private static String peterWeight;
  private static String paulaGlucose;
  private static String groupObservation;
  private static String external;

  @BeforeAll
  static void start() {
    peter = fhir.create(patient("Chalmers", "Peter", "1974-12-25"));
    paula = fhir.create(patient("Chalmers", "Paula", "1975-12-25"));
    group = fhir.create(new JsonObject().put("resourceType", "Group").put("type", "person").put("actual", true));
    peterGlucose = fhir.create(observation("Patient/" + peter, "15074-8"));
    peterWeight = fhir.create(observation("Patient/" + peter, "29463-7"));
    paulaGlucose = fhir.create(observation("Patient/" + paula, "15074-8"));
    groupObservation = fhir.create(observation("Group/" + group, "15074-8"));
    external = fhir.create(observation("https://other.example/fhir/Patient/" + peter, "15074-8"));
  }

  private static JsonObject observation(String subject, String code) {
    return new JsonObject().put("resourceType", "Observation").put("status", "final")
        .put("code", new JsonObject().put("coding", new io.vertx.core.json.JsonArray()
            .add(new JsonObject().put("system", "http://loinc.org").put("code", code))))
        .put("subject", new JsonObject().put("reference", subject));
  }

  @Test
  void typeAndIdIdAndTypeModifier() {
    assertEquals(set(peterGlucose, peterWeight), ids(fhir.search("Observation?subject=Patient/" + peter)));
    assertEquals(set(peterGlucose, peterWeight), ids(fhir.search("Observation?subject=" + peter)));
    assertEquals(set(peterGlucose, peterWeight), ids(fhir.search("Observation?subject:Patient=" + peter)));
    assertEquals(set(), ids(fhir.search("Observation?subject:Group=" + peter)));
    assertEquals(set(groupObservation), ids(fhir.search("Observation?subject=Group/" + group)));
  }

  @Test
  void patientParameterOnlyFollowsReferencesToPatients() {
    assertEquals(set(peterGlucose, peterWeight), ids(fhir.search("Observation?patient=" + peter)));
    assertEquals(set(), ids(fhir.search("Observation?patient=" + group)));
  }

  @Test
  void absoluteUrlsMatchByUrl() {
    assertEquals(set(external), ids(fhir.search("Observation?subject=https://other.example/fhir/Patient/" + peter)));
  }

  @Test
  void combinedWithTokenAndOr() {
    assertEquals(set(peterGlucose), ids(fhir.search("Observation?subject=Patient/" + peter + "&code=15074-8")));
    assertEquals(set(peterGlucose, paulaGlucose),
        ids(fhir.search("Observation?subject=Patient/" + peter + ",Patient/" + paula + "&code=15074-8")));
  }

  @Test
  void oneLevelOfChaining() {
    assertEquals(set(peterGlucose, peterWeight), ids(fhir.search("Observation?subject:Patient.name=peter")));
    assertEquals(set(peterGlucose, peterWeight, paulaGlucose),
        ids(fhir.search("Observation?patient.family=chalmers")));
    assertEquals(set(paulaGlucose), ids(fhir.search("Observation?subject:Patient.birthdate=1975&code=15074-8")));
    SearchHttp.assertOutcome(fhir.get("/fhir/Observation?subject:Patient.organization.name=x", Map.of()), 400,
        "not-supported");
  }

  @Test
  void reverseChainingWithHas() {
    assertEquals(set(peter, paula), ids(fhir.search("Patient?_has:Observation:patient:code=15074-8")));
    assertEquals(set(peter), ids(fhir.search("Patient?_has:Observation:patient:code=29463-7")));
    assertEquals(set(peter), ids(fhir.search("Patient?_has:Observation:subject:code=29463-7&family=chalmers")));
  }

  @Test
  void malformedReferencesAre400() {
    SearchHttp.assertOutcome(fhir.get("/fhir/Observation?subject=a/b/c", Map.of()), 400, "value");
  }
}
