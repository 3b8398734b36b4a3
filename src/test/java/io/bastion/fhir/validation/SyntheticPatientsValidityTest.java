package io.bastion.fhir.validation;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.fhir.seed.SyntheticPatients;
import io.bastion.fhir.store.ResourceStore.NewResource;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What `bastion ctl seed` writes is valid R4: every resource of 200 patients from each of a few seeds. */
class SyntheticPatientsValidityTest {

  @Test
  void everySeededResourceIsValid() {
    ResourceValidator validator = new ResourceValidator(ResourceTypes.r4());
    Set<String> types = new HashSet<>();
    int checked = 0;
    for (long seed : new long[] {1, 42, 20260101}) {
      SyntheticPatients patients = new SyntheticPatients(seed);
      for (int n = 0; n < 200; n++) {
        for (NewResource resource : patients.patient(n)) {
          List<io.vertx.core.json.JsonObject> issues = Validation.issues(resource.resource());
          assertTrue(issues.isEmpty(), () -> resource.type() + " of seed " + seed + ": " + Validation.describe(issues));
          // and through the write path's validator, as a create
          validator.checkForCreate(resource.type(), resource.resource());
          types.add(resource.type());
          checked++;
        }
      }
    }
    assertTrue(checked > 3 * 200 * 10, "checked " + checked);
    assertTrue(types.containsAll(Set.of("Patient", "Encounter", "Observation", "Condition", "MedicationRequest",
        "AllergyIntolerance", "Immunization")), types.toString());
  }
}
