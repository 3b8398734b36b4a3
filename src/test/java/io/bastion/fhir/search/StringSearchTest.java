package io.bastion.fhir.search;

import static io.bastion.fhir.search.SearchHttp.ids;
import static io.bastion.fhir.search.SearchHttp.patient;
import static io.bastion.fhir.search.SearchHttp.set;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** String parameters: starts-with ignoring case and accents, :exact, :contains, OR, AND, :missing. */
class StringSearchTest {

  @RegisterExtension
  static final SearchHttp fhir = new SearchHttp();
  private static String mueller;
  private static String muller;
  private static String mullins;
  private static String smith;

  @BeforeAll
  static void start() {
    mueller = fhir.create(patient("Müller", "Zoë", "1970-01-01"));
    muller = fhir.create(patient("MULLER", "Anna", "1980-01-01"));
    mullins = fhir.create(patient("Mullins", "Zed", "1990-01-01"));
    smith = fhir.create(patient("Smith", "Zed", "2000-01-01").put("address", new JsonArray().add(new JsonObject()
        .put("line", new JsonArray().add("1 Rue de l'Église")).put("city", "Genève").put("postalCode", "1201"))));
  }

  @Test
  void startsWithIgnoresCaseAndAccents() {
    assertEquals(set(mueller, muller, mullins), ids(fhir.search("Patient?family=mul")));
    assertEquals(set(mueller, muller, mullins), ids(fhir.search("Patient?family=M%C3%9CL")));
    assertEquals(set(mueller, muller), ids(fhir.search("Patient?family=muller")));
    assertEquals(set(), ids(fhir.search("Patient?family=ller")));
  }

  @Test
  void exactComparesTheOriginalText() {
    assertEquals(set(mueller), ids(fhir.search("Patient?family:exact=M%C3%BCller")));
    assertEquals(set(), ids(fhir.search("Patient?family:exact=m%C3%BCller")));
    assertEquals(set(), ids(fhir.search("Patient?family:exact=M%C3%BCl")));
  }

  @Test
  void containsMatchesAnywhere() {
    assertEquals(set(mueller, muller, mullins), ids(fhir.search("Patient?family:contains=LL")));
    assertEquals(set(mullins), ids(fhir.search("Patient?family:contains=lin")));
  }

  @Test
  void nameCoversEveryPartOfHumanNameAndAddressEveryPartOfAddress() {
    assertEquals(set(mueller), ids(fhir.search("Patient?name=zoe")));
    assertEquals(set(mullins, smith), ids(fhir.search("Patient?given=zed")));
    // address lines are sealed by PHI encryption (on by default) and not text-searchable; the other parts are
    assertEquals(set(smith), ids(fhir.search("Patient?address=GENEV")));
    assertEquals(set(), ids(fhir.search("Patient?address=1%20RUE%20de%20l%27eg")));
    assertEquals(set(smith), ids(fhir.search("Patient?address-city=geneve")));
    assertEquals(set(smith), ids(fhir.search("Patient?address-postalcode=120")));
  }

  @Test
  void commaIsOrAndRepetitionIsAnd() {
    assertEquals(set(mullins, smith), ids(fhir.search("Patient?family=smi,mullins")));
    assertEquals(set(mullins), ids(fhir.search("Patient?family=mul&given=zed")));
    assertEquals(set(), ids(fhir.search("Patient?family=mul&family=smith")));
    String comma = fhir.create(patient("Doe, Jr", "X", "1990-01-01"));
    assertEquals(set(comma), ids(fhir.search("Patient?family=doe%5C,%20j")), "an escaped comma is part of the value");
  }

  @Test
  void missingFindsResourcesWithAndWithoutTheElement() {
    assertEquals(set(smith), ids(fhir.search("Patient?address:missing=false")));
    assertEquals(set(mueller, muller, mullins), ids(fhir.search("Patient?address:missing=true&family=mul")));
  }

  @Test
  void updatesReplaceAndDeletesRemoveTheIndexRows() {
    String id = fhir.create(patient("Quarantotto", "Ida", "1960-01-01"));
    assertEquals(set(id), ids(fhir.search("Patient?family=quaranto")));
    fhir.node.send(io.vertx.core.http.HttpMethod.PUT, "/fhir/Patient/" + id,
        java.util.Map.of("Content-Type", "application/fhir+json"),
        io.vertx.core.buffer.Buffer.buffer(patient("Quintana", "Ida", "1960-01-01").put("id", id).encode()));
    assertEquals(set(), ids(fhir.search("Patient?family=quaranto")));
    assertEquals(set(id), ids(fhir.search("Patient?family=quintana")));
    fhir.node.send(io.vertx.core.http.HttpMethod.DELETE, "/fhir/Patient/" + id, java.util.Map.of(), null);
    assertEquals(set(), ids(fhir.search("Patient?family=quintana")));
    Long rows = fhir.node.node().pool().query("SELECT count(*) AS n FROM fhir_idx_string s JOIN fhir_resource r"
        + " ON r.res_pk = s.res_pk WHERE r.res_id = '" + id + "'").execute()
        .map(r -> r.iterator().next().getLong("n")).await();
    assertEquals(0L, rows);
  }
}
