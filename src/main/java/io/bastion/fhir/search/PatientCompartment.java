package io.bastion.fhir.search;

import io.bastion.fhir.phi.PhiProtection;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The R4 Patient compartment (CompartmentDefinition {@code patient}): which search parameters link each
 * resource type to a patient. Derived from the R4 definitions into {@value #TABLE} (see its test).
 * <p>
 * Membership is decided on the resource's own content, through the same reference extraction the search
 * index uses: a resource is in patient P's compartment when one of its type's compartment parameters
 * references {@code Patient/P}; the Patient resource P itself is in it. A type without parameters (or whose
 * parameters Bastion does not index) is never in a compartment: fail-closed.
 */
public final class PatientCompartment {

  static final String TABLE = "/fhir/r4-compartment-patient.tsv";

  private final Map<String, List<String>> params;
  private final SearchIndexer indexer;
  private final SearchParameters parameters;
  /**
   * Per type, the names of the index rows that hold its compartment parameters' values: a parameter's rows may be
   * named after another parameter that holds the same values (Condition's patient is its subject rows of Patient
   * targets, {@link StoredRows}), so membership is decided on row names, not parameter names.
   */
  private final Map<String, List<String>> linkingRows;
  /** {@link #links()}, built once: the table does not change after start-up. */
  private final List<String[]> links;

  private PatientCompartment(Map<String, List<String>> params, SearchParameters parameters) {
    this.params = params;
    this.parameters = parameters;
    this.indexer = new SearchIndexer(parameters);
    Map<String, List<String>> rows = new HashMap<>();
    params.keySet().forEach(type -> rows.put(type, List.copyOf(rowNames(type))));
    this.linkingRows = Map.copyOf(rows);
    List<String[]> pairs = new java.util.ArrayList<>();
    params.keySet().stream().sorted().forEach(type -> linkingRows.get(type).forEach(n -> pairs.add(new String[] {type, n})));
    this.links = List.copyOf(pairs);
  }

  /** Loads the table from the classpath; call once at start-up. */
  public static PatientCompartment r4(SearchParameters parameters) {
    Map<String, List<String>> params = new HashMap<>();
    try (InputStream in = PatientCompartment.class.getResourceAsStream(TABLE)) {
      if (in == null) {
        throw new IllegalStateException(TABLE + " is missing from the classpath");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        String[] cols = line.split("\t", -1);
        params.put(cols[0], cols[1].isEmpty() ? List.of() : List.copyOf(Arrays.asList(cols[1].split(","))));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + TABLE, e);
    }
    return new PatientCompartment(Map.copyOf(params), parameters);
  }

  /** The compartment parameters of a type; empty when the type is not in the compartment. */
  public List<String> params(String type) {
    return params.getOrDefault(type, List.of());
  }

  /** Whether this resource (of this type) is in patient {@code patientId}'s compartment. */
  public boolean contains(String type, JsonObject resource, String patientId) {
    if (resource == null || patientId == null) {
      return false;
    }
    if ("Patient".equals(type)) {
      return patientId.equals(resource.getString("id"));
    }
    List<String> linking = linkingRows.getOrDefault(type, List.of());
    if (linking.isEmpty()) {
      return false;
    }
    JsonArray references = indexer.rows(type, resource).getJsonArray("reference");
    if (references == null) {
      return false;
    }
    for (int i = 0; i < references.size(); i++) {
      JsonObject row = references.getJsonObject(i);
      if (linking.contains(row.getString("n")) && "Patient".equals(row.getString("tt"))
          && patientId.equals(row.getString("ti"))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The search condition (name, value) that confines a search of this type to a patient's compartment: the
   * Patient itself by _id, else one reference parameter of the definition (patient, else subject, else the
   * first indexed one). One parameter is narrower than the definition's OR of all of them: never broader.
   * Null when the type cannot be confined (not in the compartment, or no indexed parameter).
   */
  public Map.Entry<String, String> searchCondition(String type, String patientId) {
    if ("Patient".equals(type)) {
      return Map.entry("_id", patientId);
    }
    List<String> linking = params(type);
    for (String preferred : List.of("patient", "subject")) {
      if (linking.contains(preferred) && isReference(type, preferred)) {
        return Map.entry(preferred, "Patient/" + patientId);
      }
    }
    for (String name : linking) {
      if (isReference(type, name)) {
        return Map.entry(name, "Patient/" + patientId);
      }
    }
    return null;
  }

  /**
   * Search parameters that would let a compartment-confined search learn about resources outside the
   * compartment: {@code _has} (tests other resources) and chains through any parameter but the compartment
   * condition's own (whose target is the patient). Returns the first such parameter name, or null.
   */
  public String escapingParameter(String type, String patientId, Iterable<String> names) {
    Map.Entry<String, String> condition = searchCondition(type, patientId);
    for (String name : names) {
      if (name.startsWith("_has")) {
        return name;
      }
      int dot = name.indexOf('.');
      if (dot > 0) {
        int colon = name.indexOf(':');
        String base = name.substring(0, colon > 0 && colon < dot ? colon : dot);
        if (condition == null || !base.equals(condition.getKey())) {
          return name;
        }
      }
    }
    return null;
  }

  /**
   * Every (type, index row name) pair linking a type to the patient through an indexed reference parameter: the
   * rows that hold the compartment parameters' values ({@link StoredRows}; Observation's patient is its subject
   * rows of Patient targets, and the rows are read with {@code target_type = 'Patient'}). Shared: callers read the
   * pairs and never change them.
   */
  public List<String[]> links() {
    return links;
  }

  private List<String> rowNames(String type) {
    List<String> names = new java.util.ArrayList<>();
    for (String name : params.get(type)) {
      SearchParameter p = parameters.find(type, name);
      if (p != null && p.type() == SearchParamType.REFERENCE
          && (p.rows().targetType() == null || p.rows().targetType().equals("Patient"))) {
        p.rows().names(PhiProtection.NONE).stream().filter(n -> !names.contains(n)).forEach(names::add);
      }
    }
    return names;
  }

  private boolean isReference(String type, String name) {
    SearchParameter p = parameters.find(type, name);
    return p != null && p.type() == SearchParamType.REFERENCE;
  }

  /** Same, on the resource's JSON text (null, e.g. a deletion: not in the compartment). */
  public boolean contains(String type, String json, String patientId) {
    return json != null && contains(type, new JsonObject(json), patientId);
  }
}
