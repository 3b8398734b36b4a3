package io.bastion.fhir.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.testsupport.TestNode;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The main searches plan as index scans on a realistic spread of data (5,000 patients, 40,000
 * observations of about 800 bytes each, analysed), with sequential scans left enabled: the planner picks
 * the indexes on its own. (The resource size matters: with rows of a few bytes, a sequential scan of
 * fhir_resource really is cheaper than probing it for a 1%-selective criterion; with resource-sized rows
 * it is not, and that is what production holds.)
 * Each page query is EXPLAINed exactly as PgSearchService runs it, once with the parameter values (custom
 * plan) and once as the generic plan a cached prepared statement may switch to.
 */
class SearchPlanTest {

  private static TestNode node;
  private static SearchParameters parameters;

  @BeforeAll
  static void start() {
    node = TestNode.startWithout(Map.of());
    parameters = SearchParameters.r4();
    Pool pool = node.node().pool();
    // index rows as the indexer writes them: name and phonetic are answered from family's and given's rows,
    // Observation's patient from subject's rows of Patient targets, combo-code from code's (StoredRows)
    for (String sql : List.of(
        "INSERT INTO fhir_resource (res_type, res_id, version, last_updated, deleted, content) SELECT 'Patient', 'p' || g,"
            + " 1, now(), false, jsonb_build_object('resourceType', 'Patient', 'text', repeat(md5(g::text), 25))"
            + " FROM generate_series(1, 5000) g",
        "INSERT INTO fhir_resource (res_type, res_id, version, last_updated, deleted, content) SELECT 'Observation',"
            + " 'o' || g, 1, now(), false, jsonb_build_object('resourceType', 'Observation', 'text', repeat(md5(g::text), 25))"
            + " FROM generate_series(1, 40000) g",
        "INSERT INTO fhir_idx_string (res_pk, res_type, name, value_norm, value_exact) SELECT res_pk, 'Patient', n,"
            + " 'fam' || (res_pk % 1000), 'Fam' || (res_pk % 1000) FROM fhir_resource, unnest(ARRAY['family', 'given']) n"
            + " WHERE res_type = 'Patient'",
        "INSERT INTO fhir_idx_date (res_pk, res_type, name, low, high) SELECT res_pk, 'Patient', 'birthdate',"
            + " timestamptz '1930-01-01' + (res_pk % 30000) * interval '1 day', timestamptz '1930-01-01'"
            + " + (res_pk % 30000 + 1) * interval '1 day' - interval '1 microsecond' FROM fhir_resource WHERE res_type = 'Patient'",
        "INSERT INTO fhir_idx_string_date (res_pk, res_type, name, value_norm, value_exact, low, high) SELECT s.res_pk,"
            + " 'Patient', 'family+birthdate', s.value_norm, s.value_exact, d.low, d.high FROM fhir_idx_string s"
            + " JOIN fhir_idx_date d ON d.res_pk = s.res_pk AND d.name = 'birthdate' WHERE s.name = 'family'",
        "INSERT INTO fhir_idx_token (res_pk, res_type, name, system, code) SELECT res_pk, 'Patient', 'identifier',"
            + " 'urn:mrn', 'mrn' || res_pk FROM fhir_resource WHERE res_type = 'Patient'",
        "INSERT INTO fhir_idx_reference (res_pk, res_type, name, target_type, target_id) SELECT res_pk, 'Observation', n,"
            + " 'Patient', 'p' || (res_pk % 5000 + 1) FROM fhir_resource, unnest(ARRAY['subject']) n"
            + " WHERE res_type = 'Observation'",
        "INSERT INTO fhir_idx_token (res_pk, res_type, name, system, code) SELECT res_pk, 'Observation', 'code',"
            + " 'http://loinc.org', 'c' || (res_pk % 100) FROM fhir_resource WHERE res_type = 'Observation'",
        "INSERT INTO fhir_idx_date (res_pk, res_type, name, low, high) SELECT res_pk, 'Observation', 'date',"
            + " timestamptz '2019-01-01' + (res_pk % 2000) * interval '1 day', timestamptz '2019-01-01'"
            + " + (res_pk % 2000) * interval '1 day' FROM fhir_resource WHERE res_type = 'Observation'",
        "ANALYZE")) {
      pool.query(sql).execute().await();
    }
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "Patient?family=fam12&birthdate=ge1970-01-01",
      "Patient?name=fam123",
      "Patient?family:exact=Fam12",
      "Patient?identifier=urn:mrn|mrn77",
      "Observation?subject=Patient/p123&code=http://loinc.org|c7&date=ge2020-01-01",
      "Observation?patient=p123&_sort=-date",
      "Observation?combo-code=c7&date=ge2024-06-01",
      "Patient?phonetic=fam12&identifier=urn:mrn|mrn12",
      "Observation?subject=Patient/p123&_count=5",
      "Observation?code=c7&date=ge2024-06-01",
      "Observation?subject:Patient.identifier=urn:mrn|mrn77",
      "Patient?_has:Observation:patient:code=c7&family=fam12",
      "Patient?_id=p77",
  })
  void mainSearchesAreIndexBacked(String search) {
    for (String mode : List.of("auto", "force_generic_plan")) {
      String plan = plan(search, mode);
      System.out.println("== " + search + " (" + mode + ")\n" + plan);
      assertFalse(plan.contains("Seq Scan"), search + " (" + mode + "):\n" + plan);
      assertTrue(plan.contains("Index"), search + " (" + mode + "):\n" + plan);
    }
  }

  /**
   * Searches on index parameters only find their page in the covering index tables (V9): candidates by an
   * index-only scan, the other criteria as index-only probes (family candidates probed for their birth date,
   * not every later birth date hashed), and fhir_resource read for the page's rows only. The search pool runs
   * custom plans.
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "Patient?name=fam12&birthdate=ge1970-01-01",
      "Patient?birthdate=ge1970-01-01&name=fam12",
      "Observation?subject=Patient/p123&code=http://loinc.org|c7&date=ge2020-01-01",
  })
  void indexOnlySearchesReadResourcesForThePageOnly(String search) {
    node.node().pool().query("VACUUM fhir_idx_string, fhir_idx_date, fhir_idx_token, fhir_idx_reference").execute().await();
    String plan = plan(search, "force_custom_plan");
    System.out.println("== " + search + " (custom)\n" + plan);
    assertFalse(plan.contains("fhir_resource_type_live"), search + ":\n" + plan);
    // a page driven by a family prefix hashes the birth dates only past its probe budget (orderedPage)
    String probed = probedPart(plan); // a family prefix or one subject drives an ordered page (orderedPage)
    assertFalse(probed.contains("fhir_idx_date_low") || probed.contains("fhir_idx_date_high"), search + ":\n" + plan);
    assertEquals(1, plan.split("on fhir_resource r", -1).length - 1, search + ":\n" + plan);
    assertTrue(plan.contains("Index Only Scan using fhir_idx_date_pk"), search + ":\n" + plan);
    if (search.startsWith("Patient")) {
      assertTrue(plan.contains("Index Only Scan using fhir_idx_string_value"), search + ":\n" + plan);
    }
  }

  /**
   * A family prefix drives the search as two index scans merged in res_pk order (the exact value's rows
   * come in res_pk order from the value index, whose last key column is res_pk: V12), so the page ends after
   * its first matches; no sort of every candidate comes before the limit.
   */
  @ParameterizedTest
  @ValueSource(strings = {"Patient?name=fam12&birthdate=ge1970-01-01", "Patient?birthdate=ge1970-01-01&name=fam12"})
  void familyPrefixReadsItsCandidatesInPageOrder(String search) {
    String plan = plan(search, "force_custom_plan");
    System.out.println("== " + search + " (custom)\n" + plan);
    assertTrue(plan.contains("Merge Append"), search + ":\n" + plan);
    assertTrue(plan.contains("(value_norm = 'fam12'::text)"), search + ":\n" + plan);
    String beforeLimit = plan.substring(plan.indexOf("->  Limit"));
    assertFalse(beforeLimit.substring(0, beforeLimit.indexOf("Merge Append")).contains("Sort"), search + ":\n" + plan);
  }

  /**
   * Such pages run on the pool of generic plans (their SQL fixes how they are driven): the generic plan
   * reads the prefix stream in res_pk order and probes the other criteria per candidate (an identifier's few
   * rows are read once and matched instead) until the page is full or the probe budget is spent, also where a
   * plan for the values would hash a selective date criterion's rows (the last case: 584 candidates, 204 birth
   * dates); past the budget, the later candidates are matched by hashing the criterion's rows from its value
   * index, a part that runs only when the probed part leaves the page short (a one-time filter).
   */
  @ParameterizedTest
  @ValueSource(strings = {"Patient?name=fam12&birthdate=ge1970-01-01", "Patient?birthdate=ge1970-01-01&name=fam12",
      "Patient?family=fam12&identifier=urn:mrn|mrn77", "Patient?name=fam1&birthdate=le1935-01-01"})
  void fixedShapePagesPlanGenericallyAsTheirSqlReads(String search) {
    String plan = fixedShapeGenericPlan(search);
    String probed = probedPart(plan);
    assertTrue(probed.contains("Merge Append"), search + ":\n" + plan);
    assertTrue(probed.contains("(value_norm = $"), search + " is a generic plan:\n" + plan);
    String beforeLimit = probed.substring(probed.indexOf("->  Limit"));
    assertFalse(beforeLimit.substring(0, beforeLimit.indexOf("Merge Append")).contains("Sort"), search + ":\n" + plan);
    // birth dates probed per candidate (index-only); an identifier's few rows read once and matched. name shares
    // family's and given's rows (StoredRows): a stream per row name, each candidate probed by a correlated subplan
    boolean perCandidate = probed.contains("Semi Join") || probed.contains("SubPlan");
    assertTrue(perCandidate && !probed.contains("Hash"), search + ":\n" + plan);
    if (search.contains("birthdate")) {
      assertTrue((probed.contains("Nested Loop Semi Join") || probed.contains("SubPlan"))
          && probed.contains("Index Only Scan using fhir_idx_date_pk"), search + ":\n" + plan);
    }
    // past the probe budget: the later candidates, their criterion's rows hashed from its value index
    String hashed = plan.substring(probed.length());
    assertTrue(hashed.contains("Hash Semi Join"), search + ":\n" + plan);
    assertTrue(hashed.contains("One-Time Filter"), "run only when the probed part leaves the page short:\n" + plan);
    assertTrue(hashed.contains(search.contains("birthdate") ? "Index Only Scan using fhir_idx_date_"
        : "Index Only Scan using fhir_idx_token_code"), search + ":\n" + plan);
    assertFalse(hashed.contains("fhir_idx_date_pk"), search + ":\n" + plan);
  }

  /**
   * A page driven by one reference target (a patient's observations) is fixed by its SQL too: the generic plan
   * reads the subject's rows and probes code and date per candidate, index-only, as correlated subplans. The
   * generic estimate of a code's rows is a few; a plan free to join would hash them (a common LOINC code has
   * 50,000 rows on 100,000 patients, ~57 ms), so the probes are not left to the planner.
   */
  @ParameterizedTest
  @ValueSource(strings = {"Observation?subject=Patient/p123&code=http://loinc.org|c7&date=ge2020-01-01",
      "Observation?code=http://loinc.org|c7&date=ge2020-01-01&patient=p123", "Observation?subject=Patient/p123&code=c7"})
  void subjectDrivenPagesProbeTheOtherCriteriaOnGenericPlans(String search) {
    String plan = fixedShapeGenericPlan(search);
    String probed = probedPart(plan);
    assertTrue(probed.contains("Index Only Scan using fhir_idx_reference_target"), search + ":\n" + plan);
    assertTrue(probed.contains("target_id = $"), search + " is a generic plan:\n" + plan);
    assertTrue(probed.contains("SubPlan") && probed.contains("Index Only Scan using fhir_idx_token_pk"), search + ":\n" + plan);
    assertFalse(probed.contains("Hash") || probed.contains("fhir_idx_token_code"), search + ":\n" + plan);
    assertEquals(search.contains("date") ? 1 : 0, probed.split("Index Only Scan using fhir_idx_date_pk", -1).length - 1,
        search + ":\n" + plan);
    assertTrue(plan.substring(probed.length()).contains("One-Time Filter"), search + ":\n" + plan);
  }

  /**
   * family and birthdate, and nothing else, are answered by their paired rows (PairedIndex, V15) on a generic
   * plan: the value's rows read from fhir_idx_string_date_value in res_pk order (the longer values' merged in),
   * the birth date checked in the index tuple: no probe of fhir_idx_date, no other index table, no sort of the
   * candidates before the page's limit, fhir_resource read for the page's rows only.
   */
  @ParameterizedTest
  @ValueSource(strings = {"Patient?family=fam12&birthdate=ge1970-01-01", "Patient?birthdate=ge1970-01-01&family=fam12",
      "Patient?family=fam1&birthdate=le1935-01-01", "Patient?family:exact=Fam12&birthdate=ge1970",
      "Patient?family=fam12&birthdate=ge1950&birthdate=lt1990-06", "Patient?family=fam12&birthdate=eq1980,sa2000"})
  void familyAndBirthDatePagesAreOneIndexOnlyScanOfTheirPairs(String search) {
    assertTrue(statement(search).sql().contains("FROM fhir_idx_string_date o"), statement(search).sql());
    String plan = fixedShapeGenericPlan(search);
    assertTrue(plan.contains("Index Only Scan using fhir_idx_string_date_value"), search + ":\n" + plan);
    assertTrue(plan.contains("(value_norm = $"), search + " is a generic plan:\n" + plan);
    assertFalse(plan.contains("fhir_idx_date") || plan.contains("fhir_idx_string_value")
        || plan.contains("fhir_idx_string_pk") || plan.contains("fhir_idx_string_date_pk"), search + ":\n" + plan);
    assertEquals(1, plan.split("on fhir_resource r", -1).length - 1, search + ":\n" + plan);
    String beforeLimit = plan.substring(plan.indexOf("->  Limit"));
    int firstScan = beforeLimit.indexOf(search.contains(":exact") ? "Index Only Scan" : "Merge Append");
    assertTrue(firstScan > 0, search + ":\n" + plan);
    assertFalse(beforeLimit.substring(0, firstScan).contains("Sort"), search + ":\n" + plan);
  }

  /** Anything a pair cannot answer exactly is searched the unpaired way. */
  @ParameterizedTest
  @ValueSource(strings = {"Patient?family=fam12,fam13&birthdate=ge1970", "Patient?family=fam12&family=fam1&birthdate=ge1970",
      "Patient?family:contains=am12&birthdate=ge1970", "Patient?family=fam12&birthdate=ge1970&gender=male",
      "Patient?family=fam12&birthdate:missing=false", "Patient?family=fam12&birthdate=ge1970&_sort=birthdate",
      "Patient?name=fam12&birthdate=ge1970", "Patient?family=fam12", "Patient?birthdate=ge1970",
      "Patient?family=fam12&birthdate=ge1970&_lastUpdated=gt2000"})
  void otherCriteriaAreNotPaired(String search) {
    assertFalse(statement(search).sql().contains("fhir_idx_string_date"), search);
  }

  /** A family prefix still drives its page when a reference target is also given, whichever comes first. */
  @ParameterizedTest
  @ValueSource(strings = {"Patient?general-practitioner=Practitioner/x1&family=fam12",
      "Patient?family=fam12&general-practitioner=Practitioner/x1"})
  void aPrefixDrivesBeforeAReferenceTarget(String search) {
    String sql = statement(search).sql();
    assertTrue(sql.contains("WITH probed AS MATERIALIZED (SELECT d.res_pk AS pk FROM ((SELECT o.res_pk FROM fhir_idx_string o"),
        sql);
    assertTrue(sql.contains("d.res_pk IN (SELECT i.res_pk FROM fhir_idx_reference i"), "the reference semi-joined: " + sql);
  }

  /** The generic plan of a page whose SQL fixes its plan; never a sequential scan. */
  private static String fixedShapeGenericPlan(String search) {
    assertTrue(statement(search).fixedShape(), search);
    String plan = plan(search, "force_generic_plan");
    System.out.println("== " + search + " (generic)\n" + plan);
    assertFalse(plan.contains("Seq Scan"), search + ":\n" + plan);
    return plan;
  }

  /** The part of an ordered page's plan that probes the budget's candidates (the CTE): before the hashed part. */
  private static String probedPart(String plan) {
    assertTrue(plan.contains("CTE probed"), plan);
    int hashed = plan.indexOf("InitPlan");
    assertTrue(hashed > plan.indexOf("CTE probed"), plan);
    return plan.substring(0, hashed);
  }

  /** Pages whose driving index depends on the values are planned for them (the pool of custom plans). */
  @ParameterizedTest
  @ValueSource(strings = {"Observation?subject=Patient/p123,Patient/p124&code=http://loinc.org|c7&date=ge2020-01-01",
      "Patient?family=fam12,fam13&birthdate=ge1970-01-01", "Patient?family=fam12&_sort=birthdate",
      "Patient?family:exact=Fam12", "Patient?_id=p77&family=fam12", "Observation?code=c7&date=ge2024-06-01"})
  void otherPagesArePlannedForTheirValues(String search) {
    assertFalse(statement(search).fixedShape(), search);
  }

  private static PgSearchService.Statement statement(String search) {
    String type = search.substring(0, search.indexOf('?'));
    List<Map.Entry<String, String>> params = new ArrayList<>();
    for (String pair : search.substring(search.indexOf('?') + 1).split("&")) {
      params.add(new SimpleEntry<>(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1)));
    }
    SearchRequest request = SearchRequest.parse(parameters, type, params, true,
        new SearchRequest.Limits(20, 1000, 10), Instant.now());
    return PgSearchService.pageStatement(request, io.bastion.fhir.phi.PhiProtection.NONE);
  }

  private static String plan(String search, String mode) {
    return PagePlans.explain(node.node().pool(), statement(search), mode);
  }
}
