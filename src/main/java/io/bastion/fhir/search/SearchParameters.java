package io.bastion.fhir.search;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The search parameters of each resource type. The table in fhir/r4-search-parameters.tsv is derived from
 * the R4 SearchParameter definitions shipped in hapi-fhir-validation-resources-r4 (SearchParametersTest
 * re-derives it and fails on drift): every parameter of the {@link #FULL_TYPES}, and the {@link #COMMON}
 * ones, which apply to every resource type. Any other type gets the common ones only. It also holds each
 * type's summary and mandatory top-level elements (fhir/r4-summary-elements.tsv, derived from the R4
 * StructureDefinitions and checked by SummaryElementsTest) for _summary=true and _summary=text.
 */
public final class SearchParameters {

  static final String TABLE = "/fhir/r4-search-parameters.tsv";
  static final String SUMMARY_TABLE = "/fhir/r4-summary-elements.tsv";

  /** The types whose every R4 search parameter is supported. */
  public static final Set<String> FULL_TYPES = Set.of("Patient", "Practitioner", "PractitionerRole", "Organization",
      "Location", "Encounter", "Observation", "Condition", "Procedure", "MedicationRequest", "Medication",
      "AllergyIntolerance", "Immunization", "DiagnosticReport", "DocumentReference", "CarePlan", "Coverage",
      "AuditEvent", "Provenance");

  /** Parameters defined on Resource, supported on every type. */
  public static final Set<String> COMMON = Set.of("_id", "_lastUpdated", "_tag", "_profile", "_security", "_source");

  private final Map<String, Map<String, SearchParameter>> byType;
  private final Map<String, SearchParameter> common;
  private final Map<String, List<String>> summary;
  private final Map<String, List<String>> mandatory;
  /** forType results: the writes of every resource ask, so each type's list is built once. */
  private final Map<String, List<SearchParameter>> perType = new java.util.concurrent.ConcurrentHashMap<>();

  private SearchParameters(Map<String, Map<String, SearchParameter>> byType, Map<String, SearchParameter> common,
      Map<String, List<String>> summary, Map<String, List<String>> mandatory) {
    this.byType = byType;
    this.common = common;
    this.summary = summary;
    this.mandatory = mandatory;
  }

  /** Loads the R4 table from the classpath; call once at start-up (composition root). */
  public static SearchParameters r4() {
    Map<String, Map<String, SearchParameter>> byType = new HashMap<>();
    Map<String, SearchParameter> common = new LinkedHashMap<>();
    try (InputStream in = SearchParameters.class.getResourceAsStream(TABLE)) {
      if (in == null) {
        throw new IllegalStateException(TABLE + " is missing from the classpath");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line; (line = reader.readLine()) != null; ) {
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.split("\t", -1);
        List<String> targets = f[5].isEmpty() ? List.of() : List.of(f[5].split(","));
        List<SearchParameter.Component> components = new ArrayList<>();
        if (!f[6].isEmpty()) {
          for (String c : f[6].split(";")) {
            int colon = c.indexOf(':');
            components.add(new SearchParameter.Component(SearchParamType.of(c.substring(0, colon)), c.substring(colon + 1)));
          }
        }
        SearchParameter parameter = new SearchParameter(f[0], f[1], SearchParamType.of(f[2]), f[3], f[4], targets,
            List.copyOf(components));
        if (f[0].equals("Resource")) {
          common.put(f[1], parameter);
        } else {
          byType.computeIfAbsent(f[0], t -> new LinkedHashMap<>()).put(f[1], parameter);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byType.values().forEach(SearchParameters::shareRows);
    Map<String, List<String>> summary = new HashMap<>();
    Map<String, List<String>> mandatory = new HashMap<>();
    for (String line : lines(SUMMARY_TABLE)) {
      String[] f = line.split("\t", -1);
      summary.put(f[0], f[1].isEmpty() ? List.of() : List.of(f[1].split(",")));
      mandatory.put(f[0], f[2].isEmpty() ? List.of() : List.of(f[2].split(",")));
    }
    return new SearchParameters(byType, common, summary, mandatory);
  }

  /** Points each parameter at the rows that hold its values ({@link RowSharing}). */
  private static void shareRows(Map<String, SearchParameter> ofType) {
    Map<String, StoredRows> rows = RowSharing.derive(List.copyOf(ofType.values()));
    rows.forEach((code, stored) -> ofType.put(code, ofType.get(code).storedIn(stored)));
  }

  private static List<String> lines(String resource) {
    try (InputStream in = SearchParameters.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The top-level elements R4 marks isSummary for the type (choice elements as "value[x]"). */
  public List<String> summaryElements(String type) {
    return summary.getOrDefault(type, List.of());
  }

  /** The top-level elements with minimum cardinality 1 or more. */
  public List<String> mandatoryElements(String type) {
    return mandatory.getOrDefault(type, List.of());
  }

  /** The parameter, or null when the type does not have it. Common ones are rebased onto the type. */
  public SearchParameter find(String type, String code) {
    SearchParameter own = byType.getOrDefault(type, Map.of()).get(code);
    if (own != null) {
      return own;
    }
    SearchParameter shared = common.get(code);
    return shared == null ? null : rebase(shared, type);
  }

  /** Every parameter of the type, its own and the common ones, in a stable order (built once per type). */
  public List<SearchParameter> forType(String type) {
    return perType.computeIfAbsent(type, t -> {
      List<SearchParameter> all = new ArrayList<>();
      common.values().forEach(p -> all.add(rebase(p, t)));
      all.addAll(byType.getOrDefault(t, Map.of()).values());
      return Collections.unmodifiableList(all);
    });
  }

  /** The parameters of the fully supported types (not the common ones), in a stable order. */
  public List<SearchParameter> all() {
    List<SearchParameter> all = new ArrayList<>();
    new java.util.TreeMap<>(byType).values().forEach(m -> all.addAll(m.values()));
    return Collections.unmodifiableList(all);
  }

  private static SearchParameter rebase(SearchParameter shared, String type) {
    return new SearchParameter(type, shared.code(), shared.type(), shared.url(),
        type + shared.expression().substring("Resource".length()), shared.targets(), shared.components());
  }

}
