package io.bastion.fhir.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamReader;
import org.junit.jupiter.api.Test;

/**
 * The shipped element table (fhir/r4-elements.tsv) equals what this test derives from the snapshots of the
 * R4 StructureDefinitions in hapi-fhir-validation-resources-r4 (profiles-types.xml, profiles-resources.xml).
 * {@code -Dbastion.regenerate=true} rewrites it.
 *
 * <p>Lines: {@code P name regex} a primitive type; {@code C name base} a complex datatype; {@code R name base}
 * a resource; {@code E path min max types} an element the type itself defines (inherited elements are left
 * out: the test checks that each one equals its base element, so the runtime rebuilds them exactly). Types
 * are comma-separated codes, {@code Reference(A|B)} with its target resource types, or {@code #Path} for a
 * contentReference.
 */
class StructureTableTest {

  private static final String TYPES = "/org/hl7/fhir/r4/model/profile/profiles-types.xml";
  private static final String RESOURCES = "/org/hl7/fhir/r4/model/profile/profiles-resources.xml";
  private static final Path TABLE = Path.of("src/main/resources" + StructureModel.TABLE);
  private static final String SD = "http://hl7.org/fhir/StructureDefinition/";

  @Test
  void tableMatchesTheR4StructureDefinitions() throws Exception {
    String derived = derive();
    if (Boolean.getBoolean("bastion.regenerate")) {
      Files.writeString(TABLE, derived, StandardCharsets.UTF_8);
    }
    assertEquals(derived, Files.readString(TABLE, StandardCharsets.UTF_8));
  }

  @Test
  void everyConcreteResourceTypeHasAModel() {
    StructureModel model = StructureModel.r4();
    for (String type : ResourceTypes.r4().names()) {
      assertNotNull(model.resource(type), type);
    }
    assertTrue(model.resource("Patient").slot("birthDate") != null);
    assertTrue(model.resource("Observation").slot("valueQuantity") != null);
    assertTrue(model.resource("Observation").slot("valueMoney") == null);
  }

  private record Element(String path, String min, String max, String basePath, String types) { }

  private record Definition(String kind, String type, String base, String regex, List<Element> elements) { }

  static String derive() throws Exception {
    Map<String, Definition> definitions = new LinkedHashMap<>();
    read(TYPES, definitions);
    read(RESOURCES, definitions);
    Map<String, Element> byPath = new TreeMap<>();
    definitions.values().forEach(d -> d.elements().forEach(e -> byPath.put(e.path(), e)));
    TreeMap<String, String> blocks = new TreeMap<>();
    for (Definition d : definitions.values()) {
      StringBuilder out = new StringBuilder();
      if (d.kind().equals("primitive-type")) {
        out.append("P\t").append(d.type()).append('\t').append(d.regex() == null ? "" : d.regex()).append('\n');
        blocks.put(d.type(), out.toString());
        continue;
      }
      out.append(d.kind().equals("resource") ? "R\t" : "C\t").append(d.type()).append('\t')
          .append(d.base() == null ? "" : d.base()).append('\n');
      for (Element e : d.elements()) {
        if (!e.path().contains(".")) {
          continue;
        }
        if (e.basePath().equals(e.path())) {
          out.append("E\t").append(e.path()).append('\t').append(e.min()).append('\t').append(e.max()).append('\t')
              .append(e.types()).append('\n');
        } else {
          // inherited: the runtime copies it from the base, which is only right if nothing was narrowed
          Element base = byPath.get(e.basePath());
          assertNotNull(base, e.path() + " inherits from an unknown " + e.basePath());
          assertEquals(base.min() + " " + base.max() + " " + base.types(), e.min() + " " + e.max() + " " + e.types(),
              e.path() + " narrows its base " + e.basePath());
        }
      }
      blocks.put(d.type(), out.toString());
    }
    return String.join("", blocks.values());
  }

  /** Streams one bundle of StructureDefinitions, keeping specialisations (not profiles) and their snapshots. */
  private static void read(String resource, Map<String, Definition> into) throws Exception {
    try (InputStream in = StructureTableTest.class.getResourceAsStream(resource)) {
      assertNotNull(in, resource + " (hapi-fhir-validation-resources-r4, test scope)");
      XMLStreamReader xml = XMLInputFactory.newFactory().createXMLStreamReader(in);
      int depth = 0;
      int sd = -1;
      int snapshot = -1;
      int element = -1;
      int base = -1;
      int type = -1;
      int extension = -1;
      Map<String, String> head = new LinkedHashMap<>();
      List<Element> elements = new ArrayList<>();
      String regex = null;
      String path = null;
      String min = null;
      String max = null;
      String basePath = null;
      String contentReference = null;
      List<String> types = new ArrayList<>();
      String code = null;
      String fhirType = null;
      String extensionUrl = null;
      List<String> targets = new ArrayList<>();
      while (xml.hasNext()) {
        int event = xml.next();
        if (event == XMLStreamConstants.START_ELEMENT) {
          depth++;
          String name = xml.getLocalName();
          String value = xml.getAttributeValue(null, "value");
          if (name.equals("StructureDefinition")) {
            sd = depth;
            head = new LinkedHashMap<>();
            elements = new ArrayList<>();
            regex = null;
          } else if (sd > 0 && depth == sd + 1) {
            if (name.equals("snapshot")) {
              snapshot = depth;
            } else if (value != null) {
              head.put(name, value);
            }
          } else if (snapshot > 0 && depth == snapshot + 1 && name.equals("element")) {
            element = depth;
            path = min = max = basePath = contentReference = null;
            types = new ArrayList<>();
          } else if (element > 0 && depth == element + 1) {
            switch (name) {
              case "path" -> path = value;
              case "min" -> min = value;
              case "max" -> max = value;
              case "contentReference" -> contentReference = value;
              case "base" -> base = depth;
              case "type" -> {
                type = depth;
                code = fhirType = null;
                targets = new ArrayList<>();
              }
              default -> { }
            }
          } else if (base > 0 && depth == base + 1 && name.equals("path")) {
            basePath = value;
          } else if (type > 0 && depth == type + 1) {
            switch (name) {
              case "code" -> code = value;
              case "targetProfile" -> targets.add(value.substring(value.lastIndexOf('/') + 1));
              case "extension" -> {
                extension = depth;
                extensionUrl = xml.getAttributeValue(null, "url");
              }
              default -> { }
            }
          } else if (extension > 0 && depth == extension + 1) {
            if (extensionUrl.equals(SD + "structuredefinition-fhir-type")) {
              fhirType = value;
            } else if (extensionUrl.equals(SD + "regex") && path != null && path.endsWith(".value")) {
              regex = value;
            }
          }
        } else if (event == XMLStreamConstants.END_ELEMENT) {
          String name = xml.getLocalName();
          if (depth == extension) {
            extension = -1;
          } else if (depth == type && name.equals("type")) {
            types.add(typeCode(basePath, fhirType != null ? fhirType : code, targets));
            type = -1;
          } else if (depth == base && name.equals("base")) {
            base = -1;
          } else if (depth == element && name.equals("element")) {
            String typeList = contentReference != null ? contentReference : String.join(",", types);
            elements.add(new Element(path, min, max, basePath, typeList));
            element = -1;
          } else if (depth == snapshot && name.equals("snapshot")) {
            snapshot = -1;
          } else if (depth == sd && name.equals("StructureDefinition")) {
            String kind = head.get("kind");
            String derivation = head.get("derivation");
            if ((kind.equals("resource") || kind.endsWith("-type"))
                && (derivation == null || derivation.equals("specialization"))) {
              String baseDefinition = head.get("baseDefinition");
              into.put(head.get("type"), new Definition(kind, head.get("type"),
                  baseDefinition == null ? null : baseDefinition.substring(baseDefinition.lastIndexOf('/') + 1),
                  regex, elements));
            }
            sd = -1;
          }
          depth--;
        }
      }
    }
  }

  /**
   * A type as the table writes it. Reference targets are kept (Resource means any, written as none).
   * One rule is not in the snapshot's type code: the R4 spec gives Resource.id the id datatype, while the
   * snapshot types it as FHIRPath System.String with fhir-type string.
   */
  private static String typeCode(String basePath, String code, List<String> targets) {
    if ("Resource.id".equals(basePath)) {
      return "id";
    }
    if (code.equals("Reference") && !targets.isEmpty() && !targets.contains("Resource")) {
      return "Reference(" + String.join("|", targets) + ")";
    }
    return code;
  }
}
