package io.bastion.fhir.search;

import static io.bastion.fhir.search.SearchHttp.ids;
import static io.bastion.fhir.search.SearchHttp.next;
import static io.bastion.fhir.search.SearchHttp.orderedIds;
import static io.bastion.fhir.search.SearchHttp.patient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Keyset paging: next links walk every match exactly once while others write; _count, _total, _summary=count. */
class SearchPagingTest {

  @RegisterExtension
  static final SearchHttp fhir = new SearchHttp();

  private static List<String> createMany(String family, int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(fhir.create(patient(family, "G" + i, "19" + (50 + i % 40) + "-01-01")));
    }
    return ids;
  }

  private Future<?> write(HttpMethod method, String path, JsonObject body) {
    return fhir.node.call(() -> fhir.node.client().request(method, path).putHeader("Content-Type", "application/fhir+json")
        .sendBuffer(body == null ? null : Buffer.buffer(body.encode())));
  }

  /** Walks every page; between pages, other clients create, update and delete matching resources concurrently. */
  private static List<String> walk(String first, Runnable betweenPages) {
    return fhir.walk(first, betweenPages, 100);
  }

  /**
   * A prefix search reads the rows of the exact value and those of the longer values as two streams merged in
   * page order (IndexCriterion.Ordered): the pages still hold every match once and in order, a resource named
   * both ways once.
   */
  @Test
  void prefixPagesMergeExactAndLongerValuesInOrder() {
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      expected.add(fhir.create(patient(i % 2 == 0 ? "Paige" : "Paigeson", "G" + i, "1980-01-0" + (i + 1))));
    }
    JsonObject both = patient("Paige", "Both", "1985-01-01");
    both.getJsonArray("name").add(new JsonObject().put("family", "Paigeton"));
    expected.add(fhir.create(both));
    fhir.create(patient("Paige", "Old", "1950-01-01")); // fails the date criterion
    fhir.create(patient("Pag", "Short", "1990-01-01")); // shorter than the prefix
    expected.add(fhir.create(patient("PAIGE", "Last", "2001-01-01")));
    assertEquals(expected, walk("/fhir/Patient?family=paige&birthdate=ge1960-01-01&_count=3", () -> { }));
    assertEquals(expected, walk("/fhir/Patient?birthdate=ge1960-01-01&family=paige&_count=2", () -> { }));
  }

  /**
   * Matches rarer than one in 24 candidates: a page probes its first candidates one by one and matches the
   * later ones by hashing the birth dates (PgSearchService.orderedPage); the pages are the same either way:
   * every match once, in order, a resource named both ways (two rows of the stream, on either side of the
   * probe budget's end) once.
   */
  @Test
  void rareMatchesBeyondTheProbeBudgetArePagedInOrder() {
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      boolean matches = i % 70 == 7 || i == 63;
      JsonObject p = patient(i % 3 == 0 ? "Rarey" : "Rareyson", "G" + i, matches ? "2005-01-01" : "1950-01-01");
      if (i % 17 == 0 || i == 63) {
        p.getJsonArray("name").add(new JsonObject().put("family", "Rareyton"));
      }
      String id = fhir.create(p);
      if (matches) {
        expected.add(id);
      }
    }
    for (int count : List.of(1, 2, 3, 20)) {
      assertEquals(expected, walk("/fhir/Patient?family=rarey&birthdate=ge2000-01-01&_count=" + count, () -> { }),
          "_count=" + count);
    }
  }

  /**
   * One reference target drives the page (IndexCriterion.Ordered without a second stream): the subject's
   * observations in res_pk order, code and date probed per candidate up to the budget (48 for _count=1), the
   * later ones hashed; another patient's observations interleaved. Every match once, in order, for each _count.
   */
  @Test
  void subjectDrivenPagesBeyondTheProbeBudgetArePagedInOrder() {
    String subject = fhir.create(patient("Subjecta", "S", "1980-01-01"));
    String other = fhir.create(patient("Subjectb", "T", "1980-01-01"));
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 160; i++) {
      boolean mine = i % 4 != 3;
      boolean code = i % 11 == 5 || i == 150;
      boolean late = i % 2 == 1 || i == 150;
      String id = fhir.create(new JsonObject().put("resourceType", "Observation").put("status", "final")
          .put("code", new JsonObject().put("coding", new io.vertx.core.json.JsonArray().add(new JsonObject()
              .put("system", "http://loinc.org").put("code", code ? "1234-5" : "9999-9"))))
          .put("subject", new JsonObject().put("reference", "Patient/" + (mine ? subject : other)))
          .put("effectiveDateTime", late ? "2024-06-01" : "2019-06-01"));
      if (mine && code && late) {
        expected.add(id);
      }
    }
    assertEquals(5, expected.size());
    for (int count : List.of(1, 2, 3, 20)) {
      assertEquals(expected, walk("/fhir/Observation?subject=Patient/" + subject
          + "&code=http://loinc.org|1234-5&date=ge2024-01-01&_count=" + count, () -> { }), "_count=" + count);
      assertEquals(expected, walk("/fhir/Observation?code=http://loinc.org|1234-5&date=ge2024-01-01&subject="
          + subject + "&_count=" + count, () -> { }), "the subject as a plain id, last: _count=" + count);
    }
  }

  @Test
  void nextLinksWalkEveryMatchExactlyOnceWhileOthersWrite() {
    List<String> initial = createMany("Walker", 40);
    Set<String> deleted = new HashSet<>();
    List<String> createdDuring = new ArrayList<>();
    int[] round = {0};
    List<String> seen = walk("/fhir/Patient?family=walker&_count=7", () -> {
      int r = round[0]++;
      // concurrently: a create, an update of an early (already seen) and a late resource, a delete of a late one
      List<Future<?>> writes = List.of(
          write(HttpMethod.POST, "/fhir/Patient", patient("Walker", "New" + r, "2000-01-01"))
              .map(response -> createdDuring.add(((io.vertx.ext.web.client.HttpResponse<?>) response)
                  .bodyAsJsonObject().getString("id"))),
          write(HttpMethod.PUT, "/fhir/Patient/" + initial.get(r), patient("Walker", "Upd" + r, "1999-01-01")
              .put("id", initial.get(r))),
          write(HttpMethod.PUT, "/fhir/Patient/" + initial.get(39 - r), patient("Walker", "Late" + r, "1999-01-01")
              .put("id", initial.get(39 - r))));
      Future.all(writes).await();
      if (r == 1) {
        write(HttpMethod.DELETE, "/fhir/Patient/" + initial.get(30), null).await();
        deleted.add(initial.get(30));
      }
    });
    Set<String> unique = new LinkedHashSet<>(seen);
    assertEquals(seen.size(), unique.size(), "no match is returned twice");
    for (String id : initial) {
      if (!deleted.contains(id)) {
        assertTrue(unique.contains(id), "every match present throughout is returned");
      }
    }
    assertFalse(unique.contains(initial.get(30)), "a match deleted before its page is not returned");
    assertTrue(unique.containsAll(createdDuring.subList(0, createdDuring.size() - 1)),
        "resources created while paging land after the cursor and are reached");
  }

  @Test
  void sortedPagesAlsoWalkEveryMatchOnce() {
    List<String> initial = createMany("Sortwalker", 25);
    List<String> seen = walk("/fhir/Patient?family=sortwalker&_sort=-birthdate,given&_count=4", () ->
        write(HttpMethod.POST, "/fhir/Patient", patient("Sortwalker", "Zz", "1900-01-01")).await());
    assertEquals(seen.size(), new HashSet<>(seen).size());
    assertTrue(seen.containsAll(initial));
  }

  @Test
  void countAndTotal() {
    List<String> ids = createMany("Counter", 12);
    JsonObject small = fhir.search("Patient?family=counter&_count=5");
    assertEquals(5, orderedIds(small, "match").size());
    assertNull(small.getInteger("total"), "_total=none by default when more pages follow");
    assertEquals(12, fhir.search("Patient?family=counter&_count=5&_total=accurate").getInteger("total"));
    assertEquals(12, fhir.search("Patient?family=counter&_total=estimate").getInteger("total"),
        "a first page that holds every match is exact, whatever the planner's statistics say");
    assertTrue(fhir.search("Patient?family=counter&_count=5&_total=estimate").getInteger("total") >= 6,
        "never fewer than the page shows, plus the next page");
    assertEquals(12, fhir.search("Patient?family=counter&_count=50").getInteger("total"),
        "a first page that holds every match knows the total");
    JsonObject counted = fhir.search("Patient?family=counter&_summary=count");
    assertEquals(12, counted.getInteger("total"));
    assertFalse(counted.containsKey("entry"), counted.encode());
    assertEquals(new HashSet<>(ids), ids(fhir.search("Patient?family=counter&_count=1000")));
    SearchHttp.assertOutcome(fhir.get("/fhir/Patient?_count=1001", Map.of()), 400, "value");
    SearchHttp.assertOutcome(fhir.get("/fhir/Patient?_count=-1", Map.of()), 400, "value");
  }

  @Test
  void forgedCursorsAre400() {
    SearchHttp.assertOutcome(fhir.get("/fhir/Patient?_cursor=nonsense", Map.of()), 400, "value");
    String forged = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("[\"x\",1]".getBytes());
    SearchHttp.assertOutcome(fhir.get("/fhir/Patient?_sort=birthdate&_cursor=" + forged, Map.of()), 400, "value");
  }

  @Test
  void linksRepeatTheSearch() {
    createMany("Linker", 3);
    JsonObject bundle = fhir.search("Patient?family=linker&_count=2");
    String self = SearchHttp.link(bundle, "self");
    assertTrue(self.endsWith("/fhir/Patient?family=linker&_count=2"), self);
    assertTrue(next(bundle).contains("_cursor="));
    JsonObject last = SearchHttp.bundle(fhir.get(next(bundle), Map.of()));
    assertEquals(1, orderedIds(last, "match").size());
    assertNull(next(last));
  }
}
