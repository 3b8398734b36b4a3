package io.bastion.fhir.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamReader;
import org.junit.jupiter.api.Test;

/**
 * The shipped list of R4 resource types equals what the R4 StructureDefinitions in
 * hapi-fhir-validation-resources-r4 define: kind = resource, abstract = false, derivation = specialization.
 */
class ResourceTypesTest {

  private static final String PROFILES = "/org/hl7/fhir/r4/model/profile/profiles-resources.xml";

  @Test
  void listMatchesTheR4StructureDefinitions() throws Exception {
    assertEquals(concreteResourceTypes(), new TreeSet<>(ResourceTypes.r4().names()));
  }

  @Test
  void abstractTypesAndNonsenseAreUnknown() {
    ResourceTypes types = ResourceTypes.r4();
    assertTrue(types.isKnown("Patient"));
    assertTrue(types.isKnown("Bundle"));
    assertFalse(types.isKnown("Resource"));
    assertFalse(types.isKnown("DomainResource"));
    assertFalse(types.isKnown("patient"));
    assertFalse(types.isKnown(null));
  }

  /** Streams the 19 MB bundle of StructureDefinitions and keeps the concrete resource types. */
  private static Set<String> concreteResourceTypes() throws Exception {
    Set<String> names = new TreeSet<>();
    try (InputStream in = ResourceTypesTest.class.getResourceAsStream(PROFILES)) {
      assertNotNull(in, PROFILES + " (hapi-fhir-validation-resources-r4, test scope)");
      XMLStreamReader xml = XMLInputFactory.newFactory().createXMLStreamReader(in);
      int depth = 0;
      int definitionDepth = -1;
      String type = null;
      String kind = null;
      String isAbstract = null;
      String derivation = null;
      while (xml.hasNext()) {
        int event = xml.next();
        if (event == XMLStreamConstants.START_ELEMENT) {
          depth++;
          String name = xml.getLocalName();
          if (name.equals("StructureDefinition")) {
            definitionDepth = depth;
            type = kind = isAbstract = derivation = null;
          } else if (definitionDepth > 0 && depth == definitionDepth + 1) {
            String value = xml.getAttributeValue(null, "value");
            switch (name) {
              case "type" -> type = value;
              case "kind" -> kind = value;
              case "abstract" -> isAbstract = value;
              case "derivation" -> derivation = value;
              default -> { }
            }
          }
        } else if (event == XMLStreamConstants.END_ELEMENT) {
          if (depth == definitionDepth && xml.getLocalName().equals("StructureDefinition")) {
            if ("resource".equals(kind) && "false".equals(isAbstract)
                && (derivation == null || "specialization".equals(derivation))) {
              names.add(type);
            }
            definitionDepth = -1;
          }
          depth--;
        }
      }
    }
    return names;
  }
}
