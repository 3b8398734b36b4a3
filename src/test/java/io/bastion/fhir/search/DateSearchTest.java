package io.bastion.fhir.search;

import static io.bastion.fhir.search.SearchHttp.ids;
import static io.bastion.fhir.search.SearchHttp.patient;
import static io.bastion.fhir.search.SearchHttp.set;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Date parameters: values stored as ranges by their precision, the nine prefixes, periods (open ones too),
 * choice elements (effective[x], onset[x]) and _lastUpdated.
 */
class DateSearchTest {

  @RegisterExtension
  static final SearchHttp fhir = new SearchHttp();
  private static String day;      // birthDate 1970-01-31
  private static String month;    // birthDate 1970-02
  private static String year;     // birthDate 1971
  private static String instant;  // Observation effectiveDateTime 2024-03-01T10:00:00Z
  private static String period;   // Observation effectivePeriod 2024-03-01 .. 2024-03-10
  private static String open;     // Observation effectivePeriod from 2024-04-01, no end

  @BeforeAll
  static void start() {
    day = fhir.create(patient("Datum", "A", "1970-01-31"));
    month = fhir.create(patient("Datum", "B", "1970-02"));
    year = fhir.create(patient("Datum", "C", "1971"));
    instant = fhir.create(observation().put("effectiveDateTime", "2024-03-01T10:00:00Z"));
    period = fhir.create(observation().put("effectivePeriod", new JsonObject().put("start", "2024-03-01")
        .put("end", "2024-03-10")));
    open = fhir.create(observation().put("effectivePeriod", new JsonObject().put("start", "2024-04-01T00:00:00+02:00")));
  }

  private static JsonObject observation() {
    return new JsonObject().put("resourceType", "Observation").put("status", "final")
        .put("code", new JsonObject().put("text", "date test"));
  }

  private static java.util.Set<String> patients(String query) {
    return ids(fhir.search("Patient?family=datum&" + query));
  }

  private static java.util.Set<String> observations(String query) {
    return ids(fhir.search("Observation?" + query));
  }

  @Test
  void equalityMeansTheStoredRangeLiesWithinTheValue() {
    assertEquals(set(day), patients("birthdate=1970-01-31"));
    assertEquals(set(day), patients("birthdate=eq1970-01"));
    assertEquals(set(day, month), patients("birthdate=1970"));
    assertEquals(set(), patients("birthdate=1970-02-01"), "a month is not within a day");
    assertEquals(set(year, month), patients("birthdate=ne1970-01"));
  }

  @Test
  void orderingPrefixes() {
    assertEquals(set(month, year), patients("birthdate=gt1970-01-31"));
    assertEquals(set(day, month, year), patients("birthdate=ge1970-01-31"));
    assertEquals(set(day, month), patients("birthdate=lt1971"));
    assertEquals(set(day), patients("birthdate=le1970-01-31"));
    assertEquals(set(year), patients("birthdate=sa1970-12-31"));
    assertEquals(set(day), patients("birthdate=eb1970-02-01"));
    assertEquals(set(day, month), patients("birthdate=ge1970&birthdate=lt1971"));
  }

  @Test
  void approximatelyWidensByATenthOfTheDistanceFromNow() {
    assertEquals(set(open), observations("date=ap2024-03-31T23:00:00%2B01:00&date=gt2024-03-10"),
        "the open period starts 2024-03-31T22:00Z, inside the widened value");
    // now is about 56 years later: ±5.6 years
    assertEquals(set(day, month, year), patients("birthdate=ap1970-01-15"));
    assertEquals(set(), patients("birthdate=ap2015-01-01"));
  }

  @Test
  void periodsAndChoiceElements() {
    assertEquals(set(instant, period), observations("date=2024-03"));
    assertEquals(set(instant, period), observations("date=ap2024-03-01T10:00:00Z&date=le2024-03-30"));
    assertEquals(set(period, open), observations("date=gt2024-03-05"));
    assertEquals(set(open), observations("date=ge2030-01-01"), "an open end reaches every later date");
    assertEquals(set(instant, period), observations("date=eb2024-03-31"));
    assertEquals(set(instant, open), observations("date=2024-03-01T10:00:00Z,ge2030-01-01"), "comma is OR");
    assertEquals(set(instant), observations("date=2024-03-01T10:00:00Z"));
    assertEquals(set(instant), observations("date=2024-03-01T11:00%2B01:00"), "zones are honoured");
    assertEquals(set(instant), observations("date=2024-03-01T11:00+01:00"), "an unencoded '+' (decoded as a space)");
    assertEquals(set(), observations("date=2024-03-01T10:00:01Z"));
  }

  @Test
  void lastUpdatedIsSearchableOnEveryType() {
    assertEquals(set(day, month, year), patients("_lastUpdated=gt2020-01-01"));
    assertEquals(set(), patients("_lastUpdated=lt2020-01-01"));
  }

  @Test
  void malformedDatesAre400() {
    SearchHttp.assertOutcome(fhir.get("/fhir/Patient?birthdate=1970-13-01", Map.of()), 400, "value");
    SearchHttp.assertOutcome(fhir.get("/fhir/Patient?birthdate=xx1970", Map.of()), 400, "value");
    SearchHttp.assertOutcome(fhir.get("/fhir/Patient?birthdate:exact=1970", Map.of()), 400, "not-supported");
  }
}
