package io.bastion.fhir.seed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.fhir.store.ResourceStore.NewResource;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The generator: deterministic per seed, codes from the expected systems, plausible values, references that resolve. */
class SyntheticPatientsTest {

  private static List<NewResource> generate(long seed, int patients) {
    SyntheticPatients generator = new SyntheticPatients(seed);
    List<NewResource> all = new ArrayList<>();
    for (int n = 0; n < patients; n++) {
      all.addAll(generator.patient(n));
    }
    return all;
  }

  private static List<String> encoded(List<NewResource> resources) {
    return resources.stream().map(r -> r.type() + "/" + r.id() + " " + r.resource().encode()).toList();
  }

  @Test
  void sameSeedSameResourcesOtherSeedOthers() {
    assertEquals(encoded(generate(42, 200)), encoded(generate(42, 200)));
    // a patient does not depend on which others were generated before it (batches can split anywhere)
    assertEquals(encoded(new SyntheticPatients(42).patient(150)), encoded(generate(42, 151)).subList(
        encoded(generate(42, 150)).size(), encoded(generate(42, 151)).size()));
    List<String> other = encoded(generate(43, 200));
    assertNotEquals(encoded(generate(42, 200)), other);
    Set<String> ids42 = new HashSet<>();
    generate(42, 200).forEach(r -> ids42.add(r.id()));
    generate(43, 200).forEach(r -> assertTrue(!ids42.contains(r.id()), "seeds share no ids"));
  }

  @Test
  void realisticCodesValuesAndReferences() {
    List<NewResource> all = generate(7, 1000);
    Map<String, Integer> byType = new HashMap<>();
    Set<String> refs = new HashSet<>();
    Set<String> ids = new HashSet<>();
    for (NewResource r : all) {
      byType.merge(r.type(), 1, Integer::sum);
      assertTrue(ids.add(r.type() + "/" + r.id()), "unique ids");
      assertEquals(r.type(), r.resource().getString("resourceType"));
    }
    assertEquals(1000, byType.get("Patient"));
    double observationsPerPatient = byType.get("Observation") / 1000.0;
    assertTrue(observationsPerPatient > 8 && observationsPerPatient < 13, "about 10 observations a patient: "
        + observationsPerPatient);
    for (String type : List.of("Encounter", "Condition", "MedicationRequest", "AllergyIntolerance", "Immunization")) {
      assertTrue(byType.getOrDefault(type, 0) > 100, type + ": " + byType);
    }
    LocalDate reference = SyntheticPatients.REFERENCE_DATE;
    for (NewResource r : all) {
      JsonObject res = r.resource();
      switch (r.type()) {
        case "Patient" -> {
          LocalDate birth = LocalDate.parse(res.getString("birthDate"));
          assertTrue(birth.isBefore(reference) && birth.isAfter(reference.minusYears(92)), birth.toString());
          assertTrue(List.of("male", "female").contains(res.getString("gender")));
          assertTrue(!res.getJsonArray("name").getJsonObject(0).getString("family").isBlank());
          assertEquals(SyntheticPatients.MRN_SYSTEM, res.getJsonArray("identifier").getJsonObject(0).getString("system"));
          assertTrue(res.getJsonArray("telecom").size() == 2 && res.getJsonArray("address").size() == 1);
        }
        case "Observation" -> {
          JsonObject coding = coding(res.getJsonObject("code"));
          assertEquals(SyntheticPatients.LOINC, coding.getString("system"));
          if (coding.getString("code").equals(SyntheticPatients.BP_PANEL)) {
            JsonArray components = res.getJsonArray("component");
            double systolic = components.getJsonObject(0).getJsonObject("valueQuantity").getDouble("value");
            double diastolic = components.getJsonObject(1).getJsonObject("valueQuantity").getDouble("value");
            assertTrue(systolic >= 100 && systolic <= 160 && diastolic >= 50 && diastolic < systolic, systolic + "/" + diastolic);
          } else {
            JsonObject q = res.getJsonObject("valueQuantity");
            assertEquals(SyntheticPatients.UCUM, q.getString("system"));
            assertEquals(q.getString("unit"), q.getString("code"));
            double value = q.getDouble("value");
            switch (coding.getString("code")) {
              case "8867-4" -> assertTrue(value >= 55 && value <= 100, "heart rate " + value);
              case "8310-5" -> assertTrue(value >= 36 && value <= 38, "temperature " + value);
              case "29463-7" -> assertTrue(value > 5 && value < 200, "weight " + value);
              case "39156-5" -> assertTrue(value >= 13 && value <= 40, "BMI " + value);
              case "2339-0" -> assertTrue(value >= 70 && value <= 180, "glucose " + value);
              case "2823-3" -> assertTrue(value >= 3.5 && value <= 5.2, "potassium " + value);
              default -> assertTrue(value > 0, coding.encode());
            }
          }
          refs.add(res.getJsonObject("subject").getString("reference"));
          refs.add(res.getJsonObject("encounter").getString("reference"));
        }
        case "Condition" -> {
          assertEquals(SyntheticPatients.SNOMED, coding(res.getJsonObject("code")).getString("system"));
          refs.add(res.getJsonObject("subject").getString("reference"));
          refs.add(res.getJsonObject("encounter").getString("reference"));
        }
        case "MedicationRequest" -> {
          assertEquals(SyntheticPatients.RXNORM, coding(res.getJsonObject("medicationCodeableConcept")).getString("system"));
          refs.add(res.getJsonObject("subject").getString("reference"));
          refs.add(res.getJsonArray("reasonReference").getJsonObject(0).getString("reference"));
        }
        case "AllergyIntolerance" -> {
          assertEquals(SyntheticPatients.SNOMED, coding(res.getJsonObject("code")).getString("system"));
          refs.add(res.getJsonObject("patient").getString("reference"));
        }
        case "Immunization" -> {
          assertEquals(SyntheticPatients.CVX, coding(res.getJsonObject("vaccineCode")).getString("system"));
          refs.add(res.getJsonObject("patient").getString("reference"));
          refs.add(res.getJsonObject("encounter").getString("reference"));
        }
        case "Encounter" -> refs.add(res.getJsonObject("subject").getString("reference"));
        default -> throw new AssertionError("unexpected type " + r.type());
      }
    }
    for (String ref : refs) {
      assertTrue(ids.contains(ref), "reference resolves: " + ref);
    }
  }

  private static JsonObject coding(JsonObject concept) {
    return concept.getJsonArray("coding").getJsonObject(0);
  }
}
