package io.bastion.fhir.search;

import static io.bastion.fhir.search.SearchHttp.orderedIds;
import static io.bastion.fhir.search.SearchHttp.patient;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** _sort: several keys, '-' for descending, values from the index tables, resources without a value last. */
class SearchSortTest {

  @RegisterExtension
  static final SearchHttp fhir = new SearchHttp();
  private static String adams1980;
  private static String baker1970;
  private static String baker1990;
  private static String clark1980;
  private static String noBirthDate;

  @BeforeAll
  static void start() {
    baker1990 = fhir.create(patient("Sorta-Baker", "B", "1990-05-01"));
    adams1980 = fhir.create(patient("Sorta-Adams", "A", "1980-05-01"));
    clark1980 = fhir.create(patient("Sorta-Clark", "C", "1980-05-01"));
    baker1970 = fhir.create(patient("Sorta-Baker", "D", "1970-05-01"));
    noBirthDate = fhir.create(new JsonObject().put("resourceType", "Patient").put("name", new JsonArray()
        .add(new JsonObject().put("family", "Sorta-Zulu"))));
  }

  private static List<String> sorted(String sort) {
    return orderedIds(fhir.search("Patient?family=sorta&_sort=" + sort), "match");
  }

  @Test
  void singleKeysBothWays() {
    assertEquals(List.of(baker1970, adams1980, clark1980, baker1990, noBirthDate), sorted("birthdate"));
    assertEquals(List.of(baker1990, adams1980, clark1980, baker1970, noBirthDate), sorted("-birthdate"),
        "ties keep creation order; no value sorts last");
  }

  @Test
  void severalKeys() {
    assertEquals(List.of(adams1980, baker1970, baker1990, clark1980, noBirthDate), sorted("family,birthdate"));
    assertEquals(List.of(adams1980, baker1990, baker1970, clark1980, noBirthDate), sorted("family,-birthdate"));
    assertEquals(List.of(baker1990, clark1980, adams1980, baker1970, noBirthDate), sorted("-birthdate,-family"));
  }

  @Test
  void columnsSortToo() {
    assertEquals(List.of(baker1990, adams1980, clark1980, baker1970, noBirthDate), sorted("_lastUpdated"));
    assertEquals(List.of(noBirthDate, baker1970, clark1980, adams1980, baker1990), sorted("-_lastUpdated"));
    List<String> byId = sorted("_id");
    assertEquals(byId.stream().sorted().toList(), byId);
  }

  @Test
  void unknownSortParameterIs400() {
    SearchHttp.assertOutcome(fhir.get("/fhir/Patient?_sort=shoe-size", Map.of()), 400, "not-supported");
  }

  @Test
  void sortKeysAreBounded() {
    String eight = "family,given,birthdate,-name,gender,address,-_lastUpdated,_id";
    assertEquals(200, fhir.get("/fhir/Patient?_sort=" + eight, Map.of()).statusCode());
    // each key is a subquery per match, and the next page's condition grows with the square of their number
    SearchHttp.assertOutcome(fhir.get("/fhir/Patient?_sort=" + eight + ",telecom", Map.of()), 400, "too-costly");
  }
}
