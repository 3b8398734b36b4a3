package io.bastion.fhir.search;

import static io.bastion.fhir.search.SearchHttp.orderedIds;
import static io.bastion.fhir.search.SearchHttp.patient;
import static io.bastion.fhir.search.SearchHttp.set;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Parameters answered from other parameters' index rows (StoredRows): each finds every resource it found when
 * it wrote its own rows, and no other, through every search feature; and the rows are written once.
 */
class SharedRowsSearchTest {

  @RegisterExtension
  static final SearchHttp fhir = new SearchHttp();
  private static String ada;
  private static String bob;
  private static String cy;
  private static String adaPressure;
  private static String bobGlucose;
  private static String groupGlucose;

  @BeforeAll
  static void start() {
    ada = fhir.create(patient("Lovelace", "Ada", "1815-12-10")
        .put("address", new JsonArray().add(new JsonObject().put("city", "Kirkby").put("state", "Notts")
            .put("postalCode", "NG17").put("country", "UK").put("district", "Ashfield")))
        .put("telecom", new JsonArray().add(contact("phone", "+44-1")).add(contact("email", "ada@example.org"))
            .add(contact("fax", "+44-9"))));
    bob = fhir.create(patient("Babbage", "Kirk", "1791-12-26")
        .put("address", new JsonArray().add(new JsonObject().put("city", "Aberdeen").put("country", "UK")))
        .put("telecom", new JsonArray().add(contact("email", "bob@example.org"))));
    cy = fhir.create(patient("Cyril", "Notts", "1900-01-01"));
    String group = fhir.create(new JsonObject().put("resourceType", "Group").put("type", "person").put("actual", true));
    adaPressure = fhir.create(observation("Patient/" + ada, "85354-9")
        .put("component", new JsonArray().add(component("8480-6", 120)).add(component("8462-4", 80))));
    bobGlucose = fhir.create(observation("Patient/" + bob, "2339-0")
        .put("valueQuantity", new JsonObject().put("value", 95).put("system", "http://unitsofmeasure.org").put("code", "mg/dL")));
    groupGlucose = fhir.create(observation("Group/" + group, "2339-0"));
  }

  private static JsonObject contact(String system, String value) {
    return new JsonObject().put("system", system).put("value", value);
  }

  private static JsonObject observation(String subject, String loinc) {
    return new JsonObject().put("resourceType", "Observation").put("status", "final")
        .put("code", new JsonObject().put("coding", new JsonArray().add(new JsonObject()
            .put("system", "http://loinc.org").put("code", loinc))))
        .put("subject", new JsonObject().put("reference", subject));
  }

  private static JsonObject component(String loinc, int value) {
    return new JsonObject().put("code", new JsonObject().put("coding", new JsonArray().add(new JsonObject()
            .put("system", "http://loinc.org").put("code", loinc))))
        .put("valueQuantity", new JsonObject().put("value", value).put("system", "http://unitsofmeasure.org")
            .put("code", "mm[Hg]"));
  }

  @Test
  void addressFindsEveryPartOnceAndNameEveryName() {
    assertEquals(set(ada), found(("Patient?address=kirkby")));
    assertEquals(set(ada), found(("Patient?address=notts")), "the state, not the given name of cy");
    assertEquals(set(ada), found(("Patient?address=ng1")));
    assertEquals(set(ada), found(("Patient?address=ashf")), "a part no other parameter indexes");
    assertEquals(set(ada, bob), found(("Patient?address=uk")));
    assertEquals(set(ada), found(("Patient?address:exact=Kirkby")));
    assertEquals(set(), found(("Patient?address:exact=kirkby")));
    assertEquals(set(ada, bob), found(("Patient?address:contains=k")));
    assertEquals(set(cy), found(("Patient?address:missing=true&family=cyril")));
    assertEquals(set(ada, bob), found(("Patient?address:missing=false")));
    assertEquals(set(bob), found(("Patient?name=kirk")), "bob's given name, not ada's city");
    assertEquals(set(bob), found(("Patient?phonetic=babb")));
    assertEquals(set(cy), found(("Patient?phonetic:exact=Notts")));
    assertEquals(List.of(bob, ada, cy), orderedIds(fhir.search("Patient?family=lovelace,babbage,cyril&_sort=address"),
        "match"), "aberdeen (bob's city) before ashfield (ada's district); no address last");
    assertEquals(List.of(ada, bob, cy), orderedIds(fhir.search("Patient?family=lovelace,babbage,cyril&_sort=-address"),
        "match"), "uk for both, then by creation");
  }

  @Test
  void telecomFindsEverySystemAndPhoneAndEmailOnlyTheirs() {
    assertEquals(set(ada), found(("Patient?telecom=%2B44-1")));
    assertEquals(set(ada), found(("Patient?telecom=%2B44-9")), "a fax, which no other parameter indexes");
    assertEquals(set(ada), found(("Patient?phone=%2B44-1")));
    assertEquals(set(), found(("Patient?phone=%2B44-9")), "a fax is not a phone");
    assertEquals(set(), found(("Patient?phone=ada@example.org")));
    assertEquals(set(ada, bob), found(("Patient?email=ada@example.org,bob@example.org")));
    assertEquals(set(bob, cy), found(("Patient?phone:missing=true")));
    assertEquals(set(ada), found(("Patient?phone:missing=false")));
    assertEquals(set(cy), found(("Patient?email:missing=true")));
    assertEquals(set(bob, cy), found(("Patient?phone:not=%2B44-1")));
    assertEquals(set(ada), found(("Patient?phone=phone%7C%2B44-1")));
    assertEquals(set(), found(("Patient?phone=email%7Cada@example.org")));
  }

  @Test
  void patientIsTheSubjectWhenItIsAPatient() {
    assertEquals(set(adaPressure), found(("Observation?patient=" + ada)));
    assertEquals(set(bobGlucose), found(("Observation?patient=Patient/" + bob)));
    assertEquals(set(bobGlucose), found(("Observation?patient:Patient=" + bob)));
    assertEquals(set(), found(("Observation?patient:Group=" + groupIdOf(groupGlucose))));
    assertEquals(set(groupGlucose), found(("Observation?subject:Group=" + groupIdOf(groupGlucose))));
    assertEquals(set(groupGlucose), found(("Observation?patient:missing=true&code=2339-0")));
    assertEquals(set(adaPressure, bobGlucose), found(("Observation?patient:missing=false")));
    assertEquals(set(bobGlucose), found(("Observation?patient.family=babbage")));
    assertEquals(set(bob), found(("Patient?_has:Observation:patient:code=2339-0")));
    JsonObject included = fhir.search("Observation?code=2339-0&_include=Observation:patient");
    assertEquals(List.of(bob), orderedIds(included, "include"), "the group is no patient: not included");
    assertEquals(List.of(adaPressure), orderedIds(fhir.search("Patient?_id=" + ada + "&_revinclude=Observation:patient"),
        "include"));
    assertEquals(List.of(), orderedIds(fhir.search("Observation?code=2339-0&_include=Observation:patient:Group"),
        "include"));
    List<String> byPatient = ("Patient/" + ada).compareTo("Patient/" + bob) < 0
        ? List.of(adaPressure, bobGlucose, groupGlucose) : List.of(bobGlucose, adaPressure, groupGlucose);
    assertEquals(byPatient, orderedIds(fhir.search("Observation?code=2339-0,85354-9&_sort=patient"), "match"),
        "by the patient's reference; the group's observation has none and sorts last");
  }

  @Test
  void comboParametersFindTheCodeAndTheComponents() {
    assertEquals(set(adaPressure), found(("Observation?combo-code=85354-9")));
    assertEquals(set(adaPressure), found(("Observation?combo-code=http://loinc.org%7C8480-6")));
    assertEquals(set(adaPressure), found(("Observation?component-code=8480-6")));
    assertEquals(set(), found(("Observation?code=8480-6")));
    assertEquals(set(bobGlucose, groupGlucose), found(("Observation?combo-code=2339-0")));
    assertEquals(set(adaPressure, bobGlucose), found(("Observation?combo-value-quantity=gt90")));
    assertEquals(set(adaPressure), found(("Observation?combo-value-quantity=80%7C%7Cmm[Hg]")));
    assertEquals(set(adaPressure), found(("Observation?combo-code-value-quantity=8480-6$gt100")));
    assertEquals(set(bobGlucose), found(("Observation?combo-code-value-quantity=2339-0$95")));
    assertEquals(set(groupGlucose), found(("Observation?combo-value-quantity:missing=true")));
    assertEquals(set(groupGlucose, bobGlucose), found(("Observation?combo-code:not=8480-6")));
  }

  @Test
  void sharedValuesAreWrittenOnce() {
    Map<String, Integer> patient = rowsByName(ada);
    assertEquals(Map.of("address", 1, "address-city", 1, "address-state", 1, "address-postalcode", 1,
        "address-country", 1), filter(patient, "address", "address-city",
        "address-state", "address-postalcode", "address-country"), "address keeps only its district");
    assertEquals(Map.of("family", 1, "given", 1), filter(patient, "family", "given", "name", "phonetic"));
    assertEquals(Map.of("telecom", 3), filter(patient, "telecom", "phone", "email"));
    Map<String, Integer> observation = rowsByName(adaPressure);
    assertEquals(Map.of("code", 1, "component-code", 2), filter(observation, "code", "component-code", "combo-code"));
    assertEquals(Map.of("subject", 1), filter(observation, "subject", "patient"));
    assertEquals(Map.of("component-value-quantity", 2), filter(observation, "value-quantity",
        "component-value-quantity", "combo-value-quantity"));
    assertEquals(Map.of("component-code-value-quantity", 2), filter(observation, "code-value-quantity",
        "component-code-value-quantity", "combo-code-value-quantity"));
  }

  /** The matches of a search, each asserted to come once: rows of several names must not repeat a resource. */
  private static java.util.Set<String> found(String query) {
    List<String> matches = orderedIds(fhir.search(query), "match");
    assertEquals(matches.size(), new java.util.HashSet<>(matches).size(), query + " repeats a match: " + matches);
    return new java.util.TreeSet<>(matches);
  }

  @Test
  void pagesOfASharingParameterHoldEachMatchOnce() {
    assertEquals(List.of(ada, bob), fhir.walk("/fhir/Patient?address=uk&_count=1", () -> { }, 5));
    assertEquals(List.of(bob, ada), fhir.walk("/fhir/Patient?address=uk&_count=1&_sort=address", () -> { }, 5),
        "aberdeen before ashfield");
  }

  private static String groupIdOf(String observationId) {
    return fhir.search("Observation?_id=" + observationId).getJsonArray("entry").getJsonObject(0)
        .getJsonObject("resource").getJsonObject("subject").getString("reference").substring("Group/".length());
  }

  private static Map<String, Integer> filter(Map<String, Integer> rows, String... names) {
    Map<String, Integer> out = new TreeMap<>();
    for (String name : names) {
      if (rows.containsKey(name)) {
        out.put(name, rows.get(name));
      }
    }
    return out;
  }

  /** The resource's index rows per parameter name, over every index table. */
  private static Map<String, Integer> rowsByName(String id) {
    StringBuilder union = new StringBuilder();
    for (String table : List.of("string", "token", "date", "reference", "number", "quantity", "uri", "composite")) {
      union.append(union.length() == 0 ? "" : " UNION ALL ").append("SELECT name FROM fhir_idx_").append(table)
          .append(" WHERE res_pk = (SELECT res_pk FROM fhir_resource WHERE res_id = $1)");
    }
    Map<String, Integer> out = new TreeMap<>();
    for (Row row : fhir.node.node().pool().preparedQuery("SELECT name, count(*)::int AS n FROM (" + union
        + ") x GROUP BY name").execute(Tuple.of(id)).await()) {
      out.put(row.getString("name"), row.getInteger("n"));
    }
    return out;
  }
}
