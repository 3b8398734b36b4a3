package io.bastion.fhir.search;

import static io.bastion.fhir.search.SearchHttp.orderedIds;
import static io.bastion.fhir.search.SearchHttp.patient;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** _include and _revinclude (one level, and :iterate one more), as entries with search.mode include. */
class SearchIncludeTest {

  @RegisterExtension
  static final SearchHttp fhir = new SearchHttp();
  private static String organization;
  private static String patient;
  private static String otherPatient;
  private static String observation;
  private static String otherObservation;
  private static String provenance;

  @BeforeAll
  static void start() {
    organization = fhir.create(new JsonObject().put("resourceType", "Organization").put("name", "Incl Hospital"));
    patient = fhir.create(patient("Includa", "Ina", "1980-01-01")
        .put("managingOrganization", new JsonObject().put("reference", "Organization/" + organization)));
    otherPatient = fhir.create(patient("Includa", "Otto", "1981-01-01"));
    observation = fhir.create(observation(patient, "incl-1"));
    otherObservation = fhir.create(observation(otherPatient, "incl-2"));
    provenance = fhir.create(new JsonObject().put("resourceType", "Provenance").put("recorded", "2024-01-01T00:00:00Z")
        .put("target", new JsonArray().add(new JsonObject().put("reference", "Observation/" + observation)))
        .put("agent", new JsonArray().add(new JsonObject().put("who", new JsonObject()
            .put("reference", "Organization/" + organization)))));
  }

  private static JsonObject observation(String patientId, String code) {
    return new JsonObject().put("resourceType", "Observation").put("status", "final")
        .put("code", new JsonObject().put("coding", new JsonArray().add(new JsonObject().put("code", code))))
        .put("subject", new JsonObject().put("reference", "Patient/" + patientId));
  }

  private static Set<String> included(JsonObject bundle) {
    return new HashSet<>(orderedIds(bundle, "include"));
  }

  @Test
  void includeAddsTheReferencedResources() {
    JsonObject bundle = fhir.search("Observation?code=incl-1&_include=Observation:subject");
    assertEquals(java.util.List.of(observation), orderedIds(bundle, "match"));
    assertEquals(Set.of(patient), included(bundle));
    assertEquals(Set.of(), included(fhir.search("Observation?code=incl-1&_include=Observation:subject:Group")));
    assertEquals(Set.of(patient, otherPatient),
        included(fhir.search("Observation?code=incl-1,incl-2&_include=Observation:patient")),
        "each included resource appears once");
  }

  @Test
  void revincludeAddsTheResourcesPointingAtTheMatches() {
    JsonObject bundle = fhir.search("Patient?family=includa&_revinclude=Observation:subject");
    assertEquals(Set.of(observation, otherObservation), included(bundle));
    assertEquals(Set.of(provenance), included(fhir.search("Observation?code=incl-1&_revinclude=Provenance:target")));
  }

  @Test
  void iterateFollowsOneMoreLevel() {
    JsonObject bundle = fhir.search("Observation?code=incl-1&_include=Observation:subject"
        + "&_include:iterate=Patient:organization");
    assertEquals(Set.of(patient, organization), included(bundle));
    JsonObject reverse = fhir.search("Patient?_id=" + patient + "&_revinclude=Observation:subject"
        + "&_revinclude:iterate=Provenance:target");
    assertEquals(Set.of(observation, provenance), included(reverse));
  }

  @Test
  void badIncludesAre400() {
    SearchHttp.assertOutcome(fhir.get("/fhir/Observation?_include=Observation:code", Map.of()), 400, "value");
    SearchHttp.assertOutcome(fhir.get("/fhir/Observation?_include=Patient:organization", Map.of()), 400, "value");
    SearchHttp.assertOutcome(fhir.get("/fhir/Observation?_include=nonsense", Map.of()), 400, "value");
  }
}
