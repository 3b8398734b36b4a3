package io.bastion.fhir.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamReader;
import org.junit.jupiter.api.Test;

/**
 * The shipped Patient compartment table (fhir/r4-compartment-patient.tsv) equals what this test derives from
 * the R4 CompartmentDefinition {@code patient} in hapi-fhir-validation-resources-r4 (profiles-resources.xml).
 * Run with {@code -Dbastion.regenerate=true} to rewrite it.
 */
class PatientCompartmentTest {

  private static final String DEFINITIONS = "/org/hl7/fhir/r4/model/profile/profiles-resources.xml";
  private static final Path TABLE = Path.of("src/main/resources" + PatientCompartment.TABLE);

  @Test
  void tableMatchesTheR4CompartmentDefinition() throws Exception {
    String derived = derive();
    if (Boolean.getBoolean("bastion.regenerate")) {
      Files.writeString(TABLE, derived, StandardCharsets.UTF_8);
    }
    assertEquals(derived, Files.readString(TABLE, StandardCharsets.UTF_8));
  }

  @Test
  void membershipFollowsTheCompartmentParameters() {
    PatientCompartment compartment = PatientCompartment.r4(SearchParameters.r4());
    assertTrue(compartment.params("Observation").contains("subject"));
    assertTrue(compartment.params("Observation").contains("performer"));
    assertTrue(compartment.params("Binary").isEmpty());
    JsonObject mine = new JsonObject().put("resourceType", "Observation")
        .put("subject", new JsonObject().put("reference", "Patient/a"));
    JsonObject theirs = new JsonObject().put("resourceType", "Observation")
        .put("subject", new JsonObject().put("reference", "Patient/b"));
    JsonObject performed = new JsonObject().put("resourceType", "Observation")
        .put("subject", new JsonObject().put("reference", "Patient/b"))
        .put("performer", new io.vertx.core.json.JsonArray().add(new JsonObject().put("reference", "Patient/a")));
    assertTrue(compartment.contains("Observation", mine, "a"));
    assertFalse(compartment.contains("Observation", theirs, "a"));
    assertTrue(compartment.contains("Observation", performed, "a"), "performer is a compartment parameter");
    assertTrue(compartment.contains("Patient", new JsonObject().put("resourceType", "Patient").put("id", "a"), "a"));
    assertFalse(compartment.contains("Patient", new JsonObject().put("resourceType", "Patient").put("id", "b"), "a"));
    assertFalse(compartment.contains("Binary", new JsonObject().put("resourceType", "Binary"), "a"));
  }

  /**
   * Types whose compartment parameter is indexed in rows named after another parameter with the same values
   * (Condition's patient in its subject rows, Provenance's patient in its target rows): membership was decided on
   * parameter names, so none of these was ever in a compartment ($everything left them out, a patient-context
   * token could not read its own Conditions).
   */
  @Test
  void membershipHoldsWhereTheParametersRowsAreNamedAfterAnother() {
    PatientCompartment compartment = PatientCompartment.r4(SearchParameters.r4());
    String[][] linked = {
        {"Condition", "subject"}, {"Encounter", "subject"}, {"CarePlan", "subject"}, {"Procedure", "subject"},
        {"Provenance", "target"}, {"Observation", "subject"}};
    for (String[] typeAndElement : linked) {
      String type = typeAndElement[0];
      Object mine = new JsonObject().put("reference", "Patient/a");
      Object theirs = new JsonObject().put("reference", "Patient/b");
      boolean array = type.equals("Provenance"); // Provenance.target is 1..*
      JsonObject resource = new JsonObject().put("resourceType", type)
          .put(typeAndElement[1], array ? new io.vertx.core.json.JsonArray().add(mine) : mine);
      JsonObject other = new JsonObject().put("resourceType", type)
          .put(typeAndElement[1], array ? new io.vertx.core.json.JsonArray().add(theirs) : theirs);
      assertTrue(compartment.contains(type, resource, "a"), type);
      assertFalse(compartment.contains(type, other, "a"), type);
    }
  }

  /** One line per resource type in the compartment: type, then its parameters comma-separated (may be empty). */
  static String derive() throws Exception {
    TreeMap<String, List<String>> table = new TreeMap<>();
    try (InputStream in = PatientCompartmentTest.class.getResourceAsStream(DEFINITIONS)) {
      assertNotNull(in, DEFINITIONS + " (hapi-fhir-validation-resources-r4, test scope)");
      XMLStreamReader xml = XMLInputFactory.newFactory().createXMLStreamReader(in);
      boolean inDefinition = false;
      boolean patient = false;
      int depth = 0;
      int resourceDepth = -1;
      String code = null;
      List<String> params = null;
      while (xml.hasNext()) {
        int event = xml.next();
        if (event == XMLStreamConstants.START_ELEMENT) {
          depth++;
          String name = xml.getLocalName();
          if (name.equals("CompartmentDefinition")) {
            inDefinition = true;
            patient = false;
          } else if (inDefinition && name.equals("url")) {
            patient = "http://hl7.org/fhir/CompartmentDefinition/patient".equals(xml.getAttributeValue(null, "value"));
          } else if (inDefinition && patient && name.equals("resource")) {
            resourceDepth = depth;
            code = null;
            params = new ArrayList<>();
          } else if (resourceDepth > 0 && depth == resourceDepth + 1 && name.equals("code")) {
            code = xml.getAttributeValue(null, "value");
          } else if (resourceDepth > 0 && depth == resourceDepth + 1 && name.equals("param")) {
            params.add(xml.getAttributeValue(null, "value"));
          }
        } else if (event == XMLStreamConstants.END_ELEMENT) {
          String name = xml.getLocalName();
          if (name.equals("resource") && depth == resourceDepth) {
            table.put(code, params);
            resourceDepth = -1;
          } else if (name.equals("CompartmentDefinition")) {
            inDefinition = false;
          }
          depth--;
        }
      }
    }
    StringBuilder out = new StringBuilder();
    table.forEach((type, params) -> out.append(type).append('\t').append(String.join(",", params)).append('\n'));
    return out.toString();
  }
}
