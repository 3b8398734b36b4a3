package io.bastion.fhir.search;

import static io.bastion.fhir.search.SearchHttp.next;
import static io.bastion.fhir.search.SearchHttp.patient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Patient searches on family and birthdate alone are answered from the paired rows (PairedIndex, V15): the
 * same pages as the unpaired search, rows that follow every write, a backfill that makes the rows the
 * indexer makes, and paging that walks every match once while others write.
 */
class PairedIndexTest {

  @RegisterExtension
  static final SearchHttp fhir = new SearchHttp();

  private static JsonObject named(String birthDate, String... families) {
    JsonObject p = new JsonObject().put("resourceType", "Patient").put("name", new JsonArray());
    for (String family : families) {
      p.getJsonArray("name").add(new JsonObject().put("family", family).put("given", new JsonArray().add("G")));
    }
    return birthDate == null ? p : p.put("birthDate", birthDate);
  }

  /** Every page of a search, the match ids in page order. */
  private static List<String> walk(String first, Runnable betweenPages) {
    return fhir.walk(first, betweenPages, 200);
  }

  /** Whether the search is answered from the paired rows (the statement the service runs for it). */
  private static boolean paired(String search) {
    SearchRequest request = SearchHttp.parse(search);
    return PgSearchService.pageStatement(request, io.bastion.fhir.phi.PhiProtection.NONE).sql()
        .contains("fhir_idx_string_date");
  }

  /**
   * Prefixes and exact values, several family names per patient (two of them starting alike), birth dates of
   * year, month and day precision or none, and every date prefix: each search pages (_count 1, 2 and 50) to
   * the same matches as the unpaired search (the same criteria with an always-true _lastUpdated, which no
   * pair answers).
   */
  @Test
  void pairedPagesAreTheUnpairedPages() {
    List<String> births = List.of("1970", "1970-06", "1970-06-15", "1969-12-31", "1971-01-01", "1980-02-29", "2001");
    List<List<String>> names = List.of(List.of("Pairman"), List.of("PAIRMAN"), List.of("Pairmanson"),
        List.of("Pairman", "Pairmanton"), List.of("Pairmän"), List.of("Pair"), List.of("Other", "Pairman"),
        List.of("Pairmanx", "Pairmany"));
    for (int i = 0; i < 40; i++) {
      String birth = i % 9 == 8 ? null : births.get(i % births.size());
      fhir.create(named(birth, names.get(i % names.size()).toArray(String[]::new)));
    }
    fhir.create(named("1970", "Unrelated"));
    List<String> dates = List.of("1970", "eq1970", "eq1970-06", "eq1970-06-15", "ge1970", "ge1970-06-15", "gt1970-06",
        "le1970-06", "lt1970-06-15", "sa1970", "eb1970-06-15", "ne1970", "ap1970-06-15", "ge1970&birthdate=le1971",
        "eq1970,eq2001", "ge2002");
    List<String> families = List.of("family=pairman", "family=PAIRMAN", "family=pairm", "family=pairm%C3%A4",
        "family:exact=Pairman", "family:exact=PAIRMAN", "family:exact=Pairm%C3%A4n", "family=pair", "family=nobody");
    int compared = 0;
    for (String family : families) {
      for (String date : dates) {
        String search = "Patient?" + family + "&birthdate=" + date;
        assertTrue(paired(search), search);
        List<String> expected = walk("/fhir/" + search + "&_lastUpdated=le2999-01-01&_count=50", () -> { });
        for (int count : List.of(1, 2, 50)) {
          assertEquals(expected, walk("/fhir/" + search + "&_count=" + count, () -> { }), search + "&_count=" + count);
        }
        compared += expected.size();
      }
    }
    assertTrue(compared > 100, "the searches found matches: " + compared);
  }

  /**
   * The patient's paired rows as "name value_norm value_exact", each checked against its birth-date row (the
   * test node seals birth dates: they are indexed shifted) and its string row.
   */
  private static List<String> pairs(String id) {
    List<String> out = new ArrayList<>();
    for (Row row : fhir.node.node().pool().preparedQuery("SELECT s.name, s.value_norm, s.value_exact,"
            + " EXISTS (SELECT 1 FROM fhir_idx_date d WHERE d.res_pk = s.res_pk AND d.name = 'birthdate'"
            + " AND d.low = s.low AND d.high = s.high) AND EXISTS (SELECT 1 FROM fhir_idx_string f"
            + " WHERE f.res_pk = s.res_pk AND f.name = 'family' AND f.value_norm = s.value_norm) AS same"
            + " FROM fhir_idx_string_date s JOIN fhir_resource r ON r.res_pk = s.res_pk"
            + " WHERE r.res_id = $1 ORDER BY 2, 3").execute(Tuple.of(id)).await()) {
      assertTrue(row.getBoolean("same"), "a pair of the patient's own rows: " + row.toJson());
      out.add(row.getString("name") + " " + row.getString("value_norm") + " " + row.getString("value_exact"));
    }
    return out;
  }

  private static TreeSet<String> matches(String search) {
    return new TreeSet<>(walk("/fhir/" + search, () -> { }));
  }

  private static void send(HttpMethod method, String path, String contentType, String body) {
    HttpResponse<Buffer> response = fhir.node.send(method, path, Map.of("Content-Type", contentType),
        body == null ? null : Buffer.buffer(body));
    assertEquals(2, response.statusCode() / 100, response.bodyAsString());
  }

  /** Create, update, patch, delete and revival replace the paired rows with the other index rows. */
  @Test
  void everyWriteKeepsThePairedRows() {
    String id = fhir.create(named("1960-03-04", "Keeper", "Keeperson"));
    assertEquals(List.of("family+birthdate keeper Keeper", "family+birthdate keeperson Keeperson"),
        pairs(id));
    assertEquals(Set.of(id), matches("Patient?family=keeper&birthdate=1960"));

    send(HttpMethod.PUT, "/fhir/Patient/" + id, "application/fhir+json",
        named("1990", "Holder").put("id", id).encode());
    assertEquals(List.of("family+birthdate holder Holder"), pairs(id));
    assertEquals(Set.of(), matches("Patient?family=keeper&birthdate=1960"));
    assertEquals(Set.of(id), matches("Patient?family:exact=Holder&birthdate=ge1990-12-31"));

    send(HttpMethod.PUT, "/fhir/Patient/" + id, "application/fhir+json", named(null, "Holder").put("id", id).encode());
    assertEquals(List.of(), pairs(id), "no birth date, no pair");
    assertEquals(Set.of(), matches("Patient?family=holder&birthdate=ge1900"));

    send(HttpMethod.PATCH, "/fhir/Patient/" + id, "application/json-patch+json",
        "[{\"op\": \"add\", \"path\": \"/birthDate\", \"value\": \"1991-05-06\"}]");
    assertEquals(List.of("family+birthdate holder Holder"), pairs(id));
    assertEquals(Set.of(id), matches("Patient?family=holder&birthdate=1991-05"));

    send(HttpMethod.DELETE, "/fhir/Patient/" + id, "application/fhir+json", null);
    assertEquals(List.of(), pairs(id));
    assertEquals(Set.of(), matches("Patient?family=holder&birthdate=1991-05"));

    send(HttpMethod.PUT, "/fhir/Patient/" + id, "application/fhir+json", named("1992", "Revived").put("id", id).encode());
    assertEquals(List.of("family+birthdate revived Revived"), pairs(id));
    assertEquals(Set.of(id), matches("Patient?family=revived&birthdate=lt1993"));
  }

  /**
   * The migration's backfill makes exactly the rows the indexer writes (an existing store's pairs), also for
   * several names, no birth date and an exact value longer than a paired row keeps.
   */
  @Test
  void theBackfillMakesTheRowsTheIndexerWrites() throws IOException {
    String longName = "Backfill" + "y".repeat(300);
    fhir.create(named("1950-01-02", "Backfill", "Backfillson"));
    fhir.create(named(null, "Backfill"));
    fhir.create(named("1951", longName, "BACKFILL"));
    String rows = "SELECT string_agg(concat_ws(' ', res_pk, res_type, name, value_norm, value_exact, low, high), E'\\n'"
        + " ORDER BY res_pk, value_norm, value_exact) AS s FROM fhir_idx_string_date";
    var pool = fhir.node.node().pool();
    String written = pool.query(rows).execute().await().iterator().next().getString("s");
    assertTrue(written.contains("y".repeat(192)) && !written.contains("y".repeat(193)), "value_exact cut to 200");
    String migration;
    try (InputStream in = getClass().getResourceAsStream("/db/migration/V15__fhir_idx_string_date.sql")) {
      migration = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    int start = migration.indexOf("INSERT INTO fhir_idx_string_date");
    String backfill = migration.substring(start, migration.indexOf(';', start));
    // in a transaction rolled back: the other tests' rows stay
    String rebuilt = pool.withConnection(conn -> conn.query("BEGIN").execute()
        .compose(v -> conn.query("DELETE FROM fhir_idx_string_date").execute())
        .compose(v -> conn.query(backfill).execute())
        .compose(v -> conn.query(rows).execute())
        .eventually(() -> conn.query("ROLLBACK").execute())
        .map(r -> r.iterator().next().getString("s"))).await();
    assertEquals(written, rebuilt);
  }

  /** An :exact value a paired row could have cut is searched unpaired, and still matches. */
  @Test
  void longExactValuesAreSearchedUnpaired() {
    String family = "Longexact" + "z".repeat(200);
    String id = fhir.create(named("1975", family));
    String search = "Patient?family:exact=" + family + "&birthdate=1975";
    assertFalse(paired(search));
    assertEquals(Set.of(id), matches(search));
    assertTrue(paired("Patient?family:exact=" + family.substring(0, 198) + "&birthdate=1975"));
    assertEquals(Set.of(), matches("Patient?family:exact=" + family.substring(0, 198) + "&birthdate=1975"));
  }

  /**
   * Next links walk every match once while others create, update (in and out of the birth-date range, to
   * another family) and delete matching patients between pages.
   */
  @Test
  void pairedPagesWalkEveryMatchOnceWhileOthersWrite() {
    List<String> initial = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      initial.add(fhir.create(named("19" + (60 + i % 30) + "-01-01", "Pairwalker")));
    }
    Set<String> deleted = new HashSet<>();
    Set<String> movedOut = new HashSet<>();
    Set<String> movedOutUnseen = new HashSet<>();
    List<String> createdDuring = new ArrayList<>();
    int[] round = {0};
    List<String> seen = walk("/fhir/Patient?family=pairwalker&birthdate=ge1960&_count=7", () -> {
      int r = round[0]++;
      List<Future<?>> writes = List.of(
          fhir.node.call(() -> fhir.node.client().request(HttpMethod.POST, "/fhir/Patient")
              .putHeader("Content-Type", "application/fhir+json")
              .sendBuffer(Buffer.buffer(named("2000-01-01", "Pairwalker").encode())))
              .map(response -> createdDuring.add(response.bodyAsJsonObject().getString("id"))),
          put(initial.get(r), named("1999-01-01", "Pairwalker")),
          put(initial.get(39 - r), r % 2 == 0 ? named("1940-01-01", "Pairwalker") : named("1999-01-01", "Elsewhere")));
      movedOut.add(initial.get(39 - r));
      if (r <= 3) {
        movedOutUnseen.add(initial.get(39 - r)); // after page r, whose 7 (r + 1) matches come before it
      }
      Future.all(writes).await();
      if (r == 1) {
        fhir.node.send(HttpMethod.DELETE, "/fhir/Patient/" + initial.get(20), Map.of(), null);
        deleted.add(initial.get(20));
      }
    });
    Set<String> unique = new LinkedHashSet<>(seen);
    assertEquals(seen.size(), unique.size(), "no match is returned twice");
    assertEquals(new ArrayList<>(unique), unique.stream().sorted((a, b) -> Long.compare(pk(a), pk(b))).toList(),
        "in res_pk order");
    for (String id : initial) {
      if (!deleted.contains(id) && !movedOut.contains(id)) {
        assertTrue(unique.contains(id), "every match present throughout is returned: " + id);
      }
    }
    assertFalse(unique.contains(initial.get(20)), "a match deleted before its page is not returned");
    for (String id : movedOutUnseen) {
      assertFalse(unique.contains(id), "a match moved out before its page is not returned: " + id);
    }
    assertTrue(unique.containsAll(createdDuring.subList(0, createdDuring.size() - 1)),
        "resources created while paging land after the cursor and are reached");
  }

  private static Future<?> put(String id, JsonObject body) {
    return fhir.node.call(() -> fhir.node.client().request(HttpMethod.PUT, "/fhir/Patient/" + id)
        .putHeader("Content-Type", "application/fhir+json").sendBuffer(Buffer.buffer(body.put("id", id).encode())));
  }

  private static long pk(String id) {
    return fhir.node.node().pool().preparedQuery("SELECT res_pk FROM fhir_resource WHERE res_type = 'Patient' AND res_id = $1")
        .execute(Tuple.of(id)).await().iterator().next().getLong("res_pk");
  }
}
