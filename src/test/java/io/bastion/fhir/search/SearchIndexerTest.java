package io.bastion.fhir.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Value extraction: the FHIRPath subset evaluates every expression of the table, and each parameter type
 * turns the R4 example resources (src/test/resources/fhir/examples, after the specification's examples) into
 * the index rows a search needs.
 */
class SearchIndexerTest {

  private static final SearchParameters PARAMETERS = SearchParameters.r4();
  private static final SearchIndexer INDEXER = new SearchIndexer(PARAMETERS);

  private static JsonObject example(String name) {
    try (InputStream in = SearchIndexerTest.class.getResourceAsStream("/fhir/examples/" + name + ".json")) {
      assertNotNull(in, name);
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The rows of one table for one parameter, each encoded without its name, as a set. */
  /** The rows a search of the parameter reads: its own, or those it shares under their restriction (StoredRows). */
  private static Set<String> rows(JsonObject resource, String table, String name) {
    String type = resource.getString("resourceType");
    StoredRows stored = PARAMETERS.find(type, name).rows();
    List<String> names = stored.names(io.bastion.fhir.phi.PhiProtection.NONE);
    String key = stored.column() == null ? null : stored.column().equals("target_type") ? "tt" : "s";
    JsonArray rows = INDEXER.rows(type, resource).getJsonArray(table, new JsonArray());
    return rows.stream().map(JsonObject.class::cast).filter(r -> names.contains(r.getString("n")))
        .filter(r -> key == null || stored.value().equals(r.getString(key)))
        .map(r -> {
          JsonObject copy = r.copy();
          copy.remove("n");
          return copy.encode();
        }).collect(Collectors.toCollection(java.util.TreeSet::new));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Patient", "Practitioner", "PractitionerRole", "Organization", "Location", "Encounter",
      "Observation", "Condition", "Procedure", "MedicationRequest", "Medication", "AllergyIntolerance", "Immunization",
      "DiagnosticReport", "DocumentReference", "CarePlan", "Coverage", "AuditEvent", "Provenance", "Basic"})
  void everyExpressionIsInTheSupportedSubset(String type) {
    // an unsupported step throws whether or not the resource has the element
    JsonObject expected = type.equals("Patient") // deceased: Patient.deceased.exists() and Patient.deceased != false
        ? new JsonObject().put("token", new JsonArray().add(new JsonObject().put("n", "deceased").putNull("s")
            .put("c", "false").putNull("t")))
        : new JsonObject();
    assertEquals(expected, INDEXER.rows(type, new JsonObject().put("resourceType", type)));
    for (SearchParameter p : PARAMETERS.forType(type)) {
      FhirPath.evaluate(new JsonObject(), p.expression());
      p.components().forEach(c -> FhirPath.evaluateRelative(new JsonObject(), c.expression()));
    }
  }

  /**
   * A token restricted by where(system='x') shares its base's rows under system = x only because the base's
   * values are ContactPoints, whose system is the row's: in R4 every such base is a telecom.
   */
  @Test
  void systemRestrictionsAreOverContactPoints() {
    List<String> restricted = PARAMETERS.all().stream().filter(p -> "system".equals(p.rows().column()))
        .map(p -> p.base() + "." + p.code() + " of " + p.rows().sources().get(0).name()).sorted().toList();
    assertEquals(List.of("Patient.email of telecom", "Patient.phone of telecom", "Practitioner.email of telecom",
        "Practitioner.phone of telecom", "PractitionerRole.email of telecom", "PractitionerRole.phone of telecom"),
        restricted);
  }

  @Test
  void stringsAreNormalisedAndKeptExactly() {
    JsonObject patient = example("patient-example");
    assertEquals(Set.of("{\"v\":\"chalmers\",\"e\":\"Chalmers\"}", "{\"v\":\"windsor\",\"e\":\"Windsor\"}"),
        rows(patient, "string", "family"));
    assertTrue(rows(patient, "string", "name").contains("{\"v\":\"jim\",\"e\":\"Jim\"}"));
    assertTrue(rows(patient, "string", "address").contains("{\"v\":\"534 erewhon st\",\"e\":\"534 Erewhon St\"}"));
    assertEquals(Set.of("{\"v\":\"pleasantville\",\"e\":\"PleasantVille\"}"), rows(patient, "string", "address-city"));
    assertEquals("benedicte", Normalizer.normalize("  Bénédicte "));
  }

  @Test
  void tokensFromCodesCodingsConceptsIdentifiersContactPointsAndBooleans() {
    JsonObject patient = example("patient-example");
    assertEquals(Set.of("{\"s\":\"urn:oid:1.2.36.146.595.217.0.1\",\"c\":\"12345\",\"t\":null}"),
        rows(patient, "token", "identifier"));
    assertEquals(Set.of("{\"s\":null,\"c\":\"male\",\"t\":null}"), rows(patient, "token", "gender"));
    assertEquals(Set.of("{\"s\":null,\"c\":\"true\",\"t\":null}"), rows(patient, "token", "active"));
    assertEquals(Set.of("{\"s\":null,\"c\":\"false\",\"t\":null}"), rows(patient, "token", "deceased"));
    assertEquals(3, rows(patient, "token", "phone").size(), "telecom.where(system='phone')");
    JsonObject bp = example("observation-example-bloodpressure");
    assertEquals(Set.of("{\"s\":\"http://loinc.org\",\"c\":\"85354-9\",\"t\":\"blood pressure panel with all children optional\"}",
        "{\"s\":null,\"c\":null,\"t\":\"blood pressure systolic & diastolic\"}"), rows(bp, "token", "code"));
    assertEquals(Set.of("{\"s\":\"http://loinc.org\",\"c\":\"8480-6\",\"t\":\"systolic blood pressure\"}",
        "{\"s\":\"http://loinc.org\",\"c\":\"8462-4\",\"t\":\"diastolic blood pressure\"}"),
        rows(bp, "token", "component-code"));
    JsonObject rx = example("medicationrequest-example");
    assertEquals(Set.of("{\"s\":\"http://www.nlm.nih.gov/research/umls/rxnorm\",\"c\":\"197361\","
        + "\"t\":\"amlodipine besylate 5 mg oral tablet\"}"), rows(rx, "token", "code"),
        "(MedicationRequest.medication as CodeableConcept)");
    assertEquals(Set.of("{\"s\":\"http://terminology.hl7.org/CodeSystem/v3-ActCode\",\"c\":\"IMP\",\"t\":\"inpatient encounter\"}"),
        rows(example("encounter-example"), "token", "class"));
  }

  @Test
  void datesBecomeRangesByPrecision() {
    assertEquals(Set.of("{\"l\":\"1974-12-25T00:00:00Z\",\"h\":\"1974-12-25T23:59:59.999999Z\"}"),
        rows(example("patient-example"), "date", "birthdate"));
    assertEquals(Set.of("{\"l\":\"2015-01-17T06:00:00Z\",\"h\":\"2015-01-17T06:30:00.999999Z\"}"),
        rows(example("encounter-example"), "date", "date"), "a Period, zones applied");
    assertEquals(Set.of("{\"l\":\"2012-05-24T00:00:00Z\",\"h\":\"2012-05-24T23:59:59.999999Z\"}"),
        rows(example("condition-example"), "date", "onset-date"), "Condition.onset.as(dateTime)");
    assertEquals(Set.of("{\"l\":\"2015-01-15T00:00:00Z\",\"h\":\"2015-01-15T23:59:59.999999Z\"}"),
        rows(example("medicationrequest-example"), "date", "authoredon"));
    List<DateRange> timing = new java.util.ArrayList<>();
    SearchIndexer.dates(new FhirPath.Value(example("medicationrequest-example").getJsonArray("dosageInstruction")
        .getJsonObject(0).getJsonObject("timing"), "Timing"), timing::add);
    assertEquals(List.of(new DateRange(java.time.Instant.parse("2015-01-15T00:00:00Z"),
        java.time.Instant.parse("2015-03-15T23:59:59.999999Z"))), timing, "Timing.repeat.boundsPeriod");
    assertEquals(new DateRange(null, java.time.Instant.parse("2002-12-31T23:59:59.999999Z")).highText(),
        "2002-12-31T23:59:59.999999Z");
    assertEquals("-infinity", new DateRange(null, null).lowText());
  }

  @Test
  void referencesByTypeAndIdAndResolveFilters() {
    JsonObject bp = example("observation-example-bloodpressure");
    assertEquals(Set.of("{\"tt\":\"Patient\",\"ti\":\"example\",\"u\":null}"), rows(bp, "reference", "subject"));
    assertEquals(Set.of("{\"tt\":\"Patient\",\"ti\":\"example\",\"u\":null}"), rows(bp, "reference", "patient"));
    JsonObject encounter = example("encounter-example");
    assertEquals(Set.of("{\"tt\":\"Practitioner\",\"ti\":\"example\",\"u\":null}"),
        rows(encounter, "reference", "practitioner"), "participant.individual.where(resolve() is Practitioner)");
    assertEquals(2, rows(encounter, "reference", "participant").size());
    assertEquals(Set.of("{\"tt\":\"Patient\",\"ti\":\"example\",\"u\":null}"),
        rows(example("auditevent-example"), "reference", "patient"), "agent.who.where(resolve() is Patient)");
    Set<String> absolute = new java.util.TreeSet<>();
    SearchIndexer.reference(new JsonObject().put("reference", "https://other.example/fhir/Patient/7/_history/2"),
        r -> absolute.add(String.join(",", String.valueOf(r[0]), String.valueOf(r[1]), r[2])));
    assertEquals(Set.of("Patient,null,https://other.example/fhir/Patient/7/_history/2"), absolute);
  }

  @Test
  void quantitiesUrisAndComposites() {
    JsonObject bp = example("observation-example-bloodpressure");
    assertEquals(Set.of("{\"s\":\"http://unitsofmeasure.org\",\"c\":\"mm[Hg]\",\"v\":\"107\"}",
        "{\"s\":\"http://unitsofmeasure.org\",\"c\":\"mm[Hg]\",\"v\":\"60\"}"), rows(bp, "quantity", "component-value-quantity"));
    assertEquals(Set.of(), rows(bp, "quantity", "value-quantity"));
    assertEquals(Set.of("{\"s\":\"http://loinc.org\",\"c\":\"8480-6\",\"vs\":\"http://unitsofmeasure.org\",\"vc\":\"mm[Hg]\",\"vn\":\"107\"}",
        "{\"s\":\"http://loinc.org\",\"c\":\"8462-4\",\"vs\":\"http://unitsofmeasure.org\",\"vc\":\"mm[Hg]\",\"vn\":\"60\"}"),
        rows(bp, "composite", "component-code-value-quantity"), "each value paired with its own component's code");
    assertEquals(Set.of("{\"s\":\"http://unitsofmeasure.org\",\"c\":\"a\",\"v\":\"52\"}"),
        rows(example("condition-example"), "quantity", "abatement-age"), "Condition.abatement.as(Age)");
    assertEquals(Set.of("{\"s\":\"http://unitsofmeasure.org\",\"c\":\"min\",\"v\":\"30\"}"),
        rows(example("encounter-example"), "quantity", "length"));
    assertEquals(Set.of("{\"u\":\"http://hl7.org/fhir/StructureDefinition/vitalsigns\"}"), rows(bp, "uri", "_profile"));
    JsonObject document = example("documentreference-example");
    assertEquals(Set.of("{\"u\":\"http://example.org/xds/mhd/Binary/07a6483f-732b-461e-86b6-edb665c45510\"}"),
        rows(document, "uri", "location"));
    assertEquals(Set.of("{\"u\":\"http://consent.example.org/opt-in\"}"),
        rows(example("auditevent-example"), "uri", "policy"));
    assertEquals(Set.of("{\"s\":null,\"c\":\"appends\",\"vs\":null,\"vc\":\"DocumentReference/example-prior\"}"),
        rows(document, "composite", "relationship"), "R4 declares the components swapped; both still index");
  }

  @Test
  void unsupportedFhirPathIsRejectedLoudly() {
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> FhirPath.evaluate(new JsonObject(), "Patient.name.first()"));
    assertEquals(List.of("Patient.a", "(Patient.b as X)"), FhirPath.splitUnion("Patient.a | (Patient.b as X)"));
  }
}
