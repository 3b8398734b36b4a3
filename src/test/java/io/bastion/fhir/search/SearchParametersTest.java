package io.bastion.fhir.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The shipped search-parameter table (fhir/r4-search-parameters.tsv) equals what this test derives from
 * the R4 SearchParameter definitions in hapi-fhir-validation-resources-r4. Run with
 * {@code -Dbastion.regenerate=true} to rewrite the table after changing the derivation or the artifact.
 */
class SearchParametersTest {

  private static final String DEFINITIONS = "/org/hl7/fhir/r4/model/sp/search-parameters.json";
  private static final Path TABLE = Path.of("src/main/resources" + SearchParameters.TABLE);

  @Test
  void tableMatchesTheR4SearchParameterDefinitions() throws Exception {
    String derived = derive();
    if (Boolean.getBoolean("bastion.regenerate")) {
      Files.writeString(TABLE, derived, StandardCharsets.UTF_8);
    }
    assertEquals(derived, Files.readString(TABLE, StandardCharsets.UTF_8));
  }

  @Test
  void everyIssueTypeHasItsParametersAndTheCommonOnes() {
    SearchParameters parameters = SearchParameters.r4();
    for (String type : SearchParameters.FULL_TYPES) {
      assertTrue(parameters.forType(type).size() > 5, type);
      for (String common : List.of("_id", "_lastUpdated", "_tag", "_profile", "_security")) {
        assertNotNull(parameters.find(type, common), type + " " + common);
      }
    }
    assertEquals(SearchParamType.STRING, parameters.find("Patient", "family").type());
    assertEquals("Observation.subject", parameters.find("Observation", "subject").expression());
    assertEquals("Observation.subject.where(resolve() is Patient)", parameters.find("Observation", "patient").expression());
    assertTrue(parameters.find("Observation", "patient").targets().contains("Patient"));
    assertEquals(2, parameters.find("Observation", "code-value-quantity").components().size());
    // any other R4 type: _id and _lastUpdated only
    assertNotNull(parameters.find("Basic", "_id"));
    assertEquals(null, parameters.find("Basic", "code"));
  }

  /** One line per (base type, code): base, code, type, definition url, expression for that base, targets, components. */
  static String derive() throws Exception {
    JsonObject bundle;
    try (InputStream in = SearchParametersTest.class.getResourceAsStream(DEFINITIONS)) {
      assertNotNull(in, DEFINITIONS + " (hapi-fhir-validation-resources-r4, test scope)");
      bundle = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    Map<String, JsonObject> byUrl = new HashMap<>();
    for (Object entry : bundle.getJsonArray("entry")) {
      JsonObject resource = ((JsonObject) entry).getJsonObject("resource");
      byUrl.put(resource.getString("url"), resource);
    }
    TreeSet<String> lines = new TreeSet<>();
    for (JsonObject sp : byUrl.values()) {
      String type = sp.getString("type");
      String code = sp.getString("code");
      for (Object baseValue : sp.getJsonArray("base", new JsonArray())) {
        String base = (String) baseValue;
        boolean common = base.equals("Resource") && SearchParameters.COMMON.contains(code);
        if (!common && !SearchParameters.FULL_TYPES.contains(base)) {
          continue;
        }
        if (type.equals("special") || sp.getString("expression") == null) {
          continue; // _text, _content, _query, near: no FHIRPath to index
        }
        List<String> parts = new ArrayList<>();
        for (String part : FhirPath.splitUnion(sp.getString("expression"))) {
          String bare = part.startsWith("(") ? part.substring(1) : part;
          if (bare.equals(base) || bare.startsWith(base + ".") || bare.startsWith(base + " ")) {
            parts.add(part);
          }
        }
        if (parts.isEmpty()) {
          continue;
        }
        List<String> components = new ArrayList<>();
        for (Object c : sp.getJsonArray("component", new JsonArray())) {
          JsonObject component = (JsonObject) c;
          JsonObject definition = byUrl.get(component.getString("definition"));
          assertNotNull(definition, component.getString("definition"));
          components.add(definition.getString("type") + ":" + component.getString("expression"));
        }
        lines.add(String.join("\t", base, code, type, sp.getString("url"), String.join(" | ", parts),
            String.join(",", new TreeSet<>(sp.getJsonArray("target", new JsonArray()).getList())),
            String.join(";", components)));
      }
    }
    return String.join("\n", lines) + "\n";
  }
}
