package io.bastion.fhir.search;

import static io.bastion.fhir.search.SearchHttp.ids;
import static io.bastion.fhir.search.SearchHttp.set;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Quantity parameters over HTTP (value-quantity, component-value-quantity, the composite
 * code-value-quantity) and the number comparisons themselves against PostgreSQL (none of the supported
 * types has a number parameter in R4, but quantities use the same comparisons).
 */
class NumberQuantitySearchTest {

  private static final String UCUM = "http://unitsofmeasure.org";
  @RegisterExtension
  static final SearchHttp fhir = new SearchHttp();
  private static String light;
  private static String heavy;
  private static String pounds;
  private static String pressure;

  @BeforeAll
  static void start() {
    light = fhir.create(weight(new JsonObject().put("value", 60.5).put("unit", "kg").put("system", UCUM).put("code", "kg")));
    heavy = fhir.create(weight(new JsonObject().put("value", 100).put("unit", "kg").put("system", UCUM).put("code", "kg")));
    pounds = fhir.create(weight(new JsonObject().put("value", 100).put("unit", "lb")));
    pressure = fhir.create(new JsonObject().put("resourceType", "Observation").put("status", "final")
        .put("code", code("85354-9")).put("component", new JsonArray()
            .add(new JsonObject().put("code", code("8480-6")).put("valueQuantity", new JsonObject().put("value", 120)
                .put("system", UCUM).put("code", "mm[Hg]")))
            .add(new JsonObject().put("code", code("8462-4")).put("valueQuantity", new JsonObject().put("value", 80)
                .put("system", UCUM).put("code", "mm[Hg]")))));
  }

  private static JsonObject code(String loinc) {
    return new JsonObject().put("coding", new JsonArray().add(new JsonObject().put("system", "http://loinc.org")
        .put("code", loinc)));
  }

  private static JsonObject weight(JsonObject quantity) {
    return new JsonObject().put("resourceType", "Observation").put("status", "final").put("code", code("29463-7"))
        .put("valueQuantity", quantity);
  }

  @Test
  void quantityValueWithPrefixesSystemsAndCodes() {
    assertEquals(set(light), ids(fhir.search("Observation?value-quantity=60.5")));
    assertEquals(set(light), ids(fhir.search("Observation?value-quantity=60.5|http://unitsofmeasure.org|kg")));
    assertEquals(set(heavy, pounds), ids(fhir.search("Observation?value-quantity=gt61")));
    assertEquals(set(heavy), ids(fhir.search("Observation?value-quantity=ge100||kg")));
    assertEquals(set(pounds), ids(fhir.search("Observation?value-quantity=100||lb")), "the unit when there is no code");
    assertEquals(set(light, heavy), ids(fhir.search("Observation?value-quantity=le100|http://unitsofmeasure.org|kg")));
    assertEquals(set(heavy, pounds), ids(fhir.search("Observation?value-quantity=ap95")));
    assertEquals(set(light, heavy, pounds), ids(fhir.search("Observation?value-quantity=lt61,gt99")));
  }

  @Test
  void componentsAndComposites() {
    assertEquals(set(pressure), ids(fhir.search("Observation?component-value-quantity=gt110")));
    assertEquals(set(pressure), ids(fhir.search("Observation?component-code-value-quantity=http://loinc.org|8480-6$gt110")));
    assertEquals(set(), ids(fhir.search("Observation?component-code-value-quantity=http://loinc.org|8462-4$gt110")),
        "the value must belong to the component with the code");
    assertEquals(set(heavy), ids(fhir.search("Observation?code-value-quantity=29463-7$ge100|http://unitsofmeasure.org|kg")));
    assertEquals(set(light, heavy, pounds, pressure),
        ids(fhir.search("Observation?combo-code-value-quantity=29463-7$gt50,8480-6$gt110")));
  }

  @Test
  void malformedNumbersAre400() {
    SearchHttp.assertOutcome(fhir.get("/fhir/Observation?value-quantity=ten", Map.of()), 400, "value");
    SearchHttp.assertOutcome(fhir.get("/fhir/Observation?value-quantity=1|a", Map.of()), 400, "value");
  }

  @ParameterizedTest(name = "{1} {0} → {2}")
  @CsvSource({
      "100, 100, true", "100, 99.5, true", "100, 100.49, true", "100, 100.5, false", "100, 99.4, false",
      "100.0, 100.04, true", "100.0, 100.05, false", "1e2, 149, true", "1e2, 151, false",
      "ne100, 100.2, false", "ne100, 101, true", "gt100, 100, false", "gt100, 100.01, true", "lt100, 99.99, true",
      "ge100, 100, true", "le100, 100, true", "le100, 100.01, false", "sa100, 101, true", "eb100, 99, true",
      "ap100, 109, true", "ap100, 111, false", "ap-100, -91, true", "eq-0.5, -0.52, true"})
  void numberComparisonsFollowTheImplicitPrecision(String query, String stored, boolean matches) {
    Sql sql = new Sql();
    String value = sql.bind(new java.math.BigDecimal(stored));
    String condition = NumberPredicate.parse("n", query).sql(sql, "(" + value + "::numeric)");
    Tuple params = sql.tuple();
    boolean result = fhir.node.node().pool().preparedQuery("SELECT " + condition + " AS m").execute(params)
        .map(rows -> rows.iterator().next().getBoolean("m")).await();
    assertEquals(matches, result);
  }
}
