package io.bastion.fhir.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * The shipped summary table (fhir/r4-summary-elements.tsv: per concrete type, its top-level elements with
 * isSummary, and those with min ≥ 1) equals what the snapshots of the R4 StructureDefinitions in
 * hapi-fhir-validation-resources-r4 say. {@code -Dbastion.regenerate=true} rewrites it.
 */
class SummaryElementsTest {

  private static final String PROFILES = "/org/hl7/fhir/r4/model/profile/profiles-resources.xml";
  private static final Path TABLE = Path.of("src/main/resources" + SearchParameters.SUMMARY_TABLE);

  @Test
  void tableMatchesTheR4StructureDefinitions() throws Exception {
    String derived = derive();
    if (Boolean.getBoolean("bastion.regenerate")) {
      Files.writeString(TABLE, derived, StandardCharsets.UTF_8);
    }
    assertEquals(derived, Files.readString(TABLE, StandardCharsets.UTF_8));
  }

  @Test
  void patientAndObservationSummaries() {
    SearchParameters parameters = SearchParameters.r4();
    assertTrue(parameters.summaryElements("Patient").contains("birthDate"));
    assertTrue(parameters.summaryElements("Patient").contains("name"));
    assertFalse(parameters.summaryElements("Patient").contains("photo"));
    assertTrue(parameters.summaryElements("Observation").contains("value[x]"));
    assertEquals(List.of("status", "code"), parameters.mandatoryElements("Observation"));
  }

  static String derive() throws Exception {
    TreeMap<String, String> lines = new TreeMap<>();
    try (InputStream in = SummaryElementsTest.class.getResourceAsStream(PROFILES)) {
      assertNotNull(in, PROFILES + " (hapi-fhir-validation-resources-r4, test scope)");
      XMLStreamReader xml = XMLInputFactory.newFactory().createXMLStreamReader(in);
      int depth = 0;
      int definitionDepth = -1;
      int snapshotDepth = -1;
      int elementDepth = -1;
      String type = null;
      String kind = null;
      String isAbstract = null;
      String derivation = null;
      String path = null;
      String min = null;
      String summary = null;
      List<String> summaries = new ArrayList<>();
      List<String> mandatory = new ArrayList<>();
      while (xml.hasNext()) {
        int event = xml.next();
        if (event == XMLStreamConstants.START_ELEMENT) {
          depth++;
          String name = xml.getLocalName();
          String value = xml.getAttributeValue(null, "value");
          if (name.equals("StructureDefinition")) {
            definitionDepth = depth;
            type = kind = isAbstract = derivation = null;
            summaries = new ArrayList<>();
            mandatory = new ArrayList<>();
          } else if (definitionDepth > 0 && depth == definitionDepth + 1) {
            switch (name) {
              case "type" -> type = value;
              case "kind" -> kind = value;
              case "abstract" -> isAbstract = value;
              case "derivation" -> derivation = value;
              case "snapshot" -> snapshotDepth = depth;
              default -> { }
            }
          } else if (snapshotDepth > 0 && depth == snapshotDepth + 1 && name.equals("element")) {
            elementDepth = depth;
            path = min = summary = null;
          } else if (elementDepth > 0 && depth == elementDepth + 1) {
            switch (name) {
              case "path" -> path = value;
              case "min" -> min = value;
              case "isSummary" -> summary = value;
              default -> { }
            }
          }
        } else if (event == XMLStreamConstants.END_ELEMENT) {
          String name = xml.getLocalName();
          if (depth == elementDepth && name.equals("element")) {
            String[] parts = path.split("\\.");
            if (parts.length == 2) {
              if ("true".equals(summary)) {
                summaries.add(parts[1]);
              }
              if (min != null && !min.equals("0")) {
                mandatory.add(parts[1]);
              }
            }
            elementDepth = -1;
          } else if (depth == snapshotDepth && name.equals("snapshot")) {
            snapshotDepth = -1;
          } else if (depth == definitionDepth && name.equals("StructureDefinition")) {
            if ("resource".equals(kind) && "false".equals(isAbstract)
                && (derivation == null || "specialization".equals(derivation))) {
              lines.put(type, type + "\t" + String.join(",", summaries) + "\t" + String.join(",", mandatory));
            }
            definitionDepth = -1;
          }
          depth--;
        }
      }
    }
    return String.join("\n", lines.values()) + "\n";
  }
}
