package io.bastion.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.bastion.audit.AuditRecord.Entity;
import io.bastion.fhir.store.ResourceVersion;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which patient a resource's data belongs to, as the audit record names it. */
class FhirAuditTest {

  @Test
  void thePatientIsThePatientItselfOrItsSubjectOrPatientReference() {
    assertEquals("p1", FhirAudit.patientOf("Patient", "p1", "{\"resourceType\":\"Patient\"}"));
    assertEquals("p2", FhirAudit.patientOf("Observation", "o1",
        "{\"resourceType\":\"Observation\",\"subject\":{\"reference\":\"Patient/p2\"}}"));
    assertEquals("p3", FhirAudit.patientOf("AllergyIntolerance", "a1",
        "{\"resourceType\":\"AllergyIntolerance\",\"patient\":{\"reference\":\"https://x.test/fhir/Patient/p3/_history/2\"}}"));
    assertNull(FhirAudit.patientOf("Observation", "o2",
        "{\"resourceType\":\"Observation\",\"subject\":{\"reference\":\"Group/g1\"}}"));
    assertNull(FhirAudit.patientOf("Observation", "o3",
        "{\"resourceType\":\"Observation\",\"subject\":{\"reference\":\"NotPatient/p4\"}}"));
    assertNull(FhirAudit.patientOf("Observation", "o4", "{\"resourceType\":\"Observation\"}"));
    // subject wins over patient wherever each comes; a subject that is not a Patient leaves patient to decide
    assertEquals("s1", FhirAudit.patientOf("Encounter", "e1",
        "{\"patient\":{\"reference\":\"Patient/p1\"},\"subject\":{\"reference\":\"Patient/s1\"}}"));
    assertEquals("s2", FhirAudit.patientOf("Encounter", "e2",
        "{\"subject\":{\"reference\":\"Patient/s2\"},\"patient\":{\"reference\":\"Patient/p2\"}}"));
    assertEquals("p3", FhirAudit.patientOf("Encounter", "e3",
        "{\"subject\":{\"reference\":\"Group/g\"},\"patient\":{\"reference\":\"Patient/p3\"}}"));
    assertNull(FhirAudit.patientOf("Observation", "o5", null));
  }

  @Test
  void onlyTheTopLevelSubjectOrPatientCounts() {
    // a subject nested in another element or in a contained resource is not the resource's own
    assertNull(FhirAudit.patientOf("Observation", "o6", "{\"resourceType\":\"Observation\",\"contained\":[{"
        + "\"resourceType\":\"Observation\",\"subject\":{\"reference\":\"Patient/nested\"}}],"
        + "\"focus\":[{\"patient\":{\"reference\":\"Patient/nested2\"}}]}"));
    // members before and after are skipped whatever their shape
    assertEquals("p7", FhirAudit.patientOf("Observation", "o7", "{\"code\":{\"coding\":[{\"code\":\"x\"}]},"
        + "\"subject\":{\"display\":\"d\",\"reference\":\"Patient/p7\",\"extension\":[{\"url\":\"u\"}]},"
        + "\"valueQuantity\":{\"value\":1.5},\"note\":[\"a\",null,true]}"));
    // a subject that is not a Patient falls back to the patient element
    assertEquals("p8", FhirAudit.patientOf("Encounter", "e1",
        "{\"subject\":{\"reference\":\"Group/g\"},\"patient\":{\"reference\":\"Patient/p8\"}}"));
    // wrong types and broken JSON find nothing rather than fail
    assertNull(FhirAudit.patientOf("Observation", "o9", "{\"subject\":\"Patient/p9\"}"));
    assertNull(FhirAudit.patientOf("Observation", "o10", "{\"subject\":{\"reference\":42}}"));
    assertNull(FhirAudit.patientOf("Observation", "o11", "{\"subject\":{\"reference\":\"Patient/p11\""));
    assertNull(FhirAudit.patientOf("Observation", "o12", "[\"subject\"]"));
    assertNull(FhirAudit.patientOf("Observation", "o13", "{\"subject\":{\"reference\":\"Patient/bad id\"}}"));
  }

  @Test
  void entitiesNameThePatientFirstThenTheResource() {
    ResourceVersion version = new ResourceVersion("Observation", "o1", 1, Instant.now(), false, "POST",
        "{\"resourceType\":\"Observation\",\"subject\":{\"reference\":\"Patient/p2\"}}");
    List<Entity> entities = FhirAudit.entities(version);
    assertEquals("p2", entities.get(0).patientId());
    assertEquals("Observation/o1", entities.get(1).reference());
    List<Entity> page = FhirAudit.pageEntities(Entity.query("Observation?code=x"), List.of(
        new String[] {"Patient", "p1", "{}"}, new String[] {"Observation", "o1", version.json()},
        new String[] {"Observation", "o2", version.json()}));
    assertEquals(List.of("p1", "p2"), page.stream().map(Entity::patientId).filter(id -> id != null).toList());
    assertEquals("Observation?code=x&_count=2", FhirAudit.query("Observation",
        List.of(Map.entry("code", "x"), Map.entry("_count", "2"))));
  }
}
