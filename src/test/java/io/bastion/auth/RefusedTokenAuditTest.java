package io.bastion.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bastion.audit.AuditRecord.Entity;
import java.util.List;
import org.junit.jupiter.api.Test;

class RefusedTokenAuditTest {

  @Test
  void thePathNamesTheTargetAndItsPatient() {
    assertEquals(List.of(Entity.resource("Patient/p-1"), Entity.patient("p-1")), RefusedTokenAudit.targets("/fhir/Patient/p-1"));
    assertEquals(List.of(Entity.resource("Patient/p.2"), Entity.patient("p.2")),
        RefusedTokenAudit.targets("/fhir/Patient/p.2/Observation"));
    assertEquals(List.of(Entity.resource("Observation/o1")), RefusedTokenAudit.targets("/fhir/Observation/o1/_history/2"));
  }

  @Test
  void searchesOperationsAndOtherPathsNameNothing() {
    for (String path : new String[] {"/fhir/Patient", "/fhir", "/fhir/", "/fhir/Patient/$everything-is-not-an-id!",
        "/fhir/patient/1", "/admin/api/users/1", "/fhir/$export", "/fhir/Patient/" + "x".repeat(65), null}) {
      assertEquals(List.of(), RefusedTokenAudit.targets(path), String.valueOf(path));
    }
  }
}
