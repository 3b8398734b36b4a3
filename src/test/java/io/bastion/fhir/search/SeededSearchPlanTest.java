package io.bastion.fhir.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.fhir.FhirAddresses;
import io.bastion.fhir.seed.SyntheticPatients;
import io.bastion.fhir.store.ResourceStore.NewResource;
import io.bastion.testsupport.StoreCatalog;
import io.bastion.testsupport.TestNode;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A seed into an empty store drops the store's indexes while it loads (see EmptyStoreLoad): a seed killed
 * midway leaves the store empty with every index as the migrations made it, and after a seed that completes
 * the main searches are index scans again, on planner statistics the seed gathered itself.
 */
class SeededSearchPlanTest {

  private static final int PATIENTS = 600;
  private static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.startWithout(Map.of());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void aSeedKilledMidwayLeavesTheIndexesAndThenSearchesUseThem() throws Exception {
    String migrated = catalog();

    // a seed whose connection dies in the middle of its load, as when PostgreSQL or the node goes away
    CompletableFuture<Throwable> killed = new CompletableFuture<>();
    node.node().vertx().eventBus().request(FhirAddresses.SEED, new JsonObject().put("patients", 5000).put("seed", 3),
        new DeliveryOptions().setSendTimeout(120_000)).onComplete(reply -> killed.complete(reply.cause()));
    long deadline = System.currentTimeMillis() + 60_000;
    while (count("SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'bastion-seed' "
        + "AND datname = current_database() AND query LIKE 'COPY%'") == 0) {
      assertTrue(System.currentTimeMillis() < deadline, "the seed never started copying");
      Thread.sleep(20);
    }
    assertEquals(1L, count("SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity "
        + "WHERE application_name = 'bastion-seed' AND datname = current_database() AND query LIKE 'COPY%'"));
    Throwable failure = killed.get();
    assertTrue(failure instanceof ReplyException e && e.failureCode() == 500, String.valueOf(failure));
    assertEquals(migrated, catalog());
    for (String table : StoreCatalog.TABLES.split(", ")) {
      assertEquals(0L, count("SELECT count(*) AS n FROM " + table), table);
    }

    // the store is still empty: the next seed takes the same way, to the end
    JsonObject done = node.node().vertx().eventBus().<JsonObject>request(FhirAddresses.SEED,
        new JsonObject().put("patients", PATIENTS).put("seed", 4), new DeliveryOptions().setSendTimeout(120_000))
        .await().body();
    assertEquals(PATIENTS, done.getInteger("patients"));
    assertEquals(migrated, catalog());
    assertTrue(count("SELECT count(*) AS n FROM pg_stats WHERE tablename = 'fhir_idx_token'") > 0, "analyzed");

    NewResource patient = new SyntheticPatients(4).patient(PATIENTS / 2).get(0);
    String family = patient.resource().getJsonArray("name").getJsonObject(0).getString("family");
    JsonObject bundle = node.get("/fhir/Observation?subject=Patient/" + patient.id() + "&code=http://loinc.org%7C29463-7")
        .bodyAsJsonObject();
    assertFalse(bundle.getJsonArray("entry", new io.vertx.core.json.JsonArray()).isEmpty(), bundle.encode());
    for (String search : List.of(
        "Observation?subject=Patient/" + patient.id() + "&code=http://loinc.org|29463-7",
        "Observation?patient=" + patient.id() + "&_sort=-date",
        "Patient?family=" + family.toLowerCase() + "&birthdate=ge1970-01-01")) {
      for (String mode : List.of("force_custom_plan", "force_generic_plan")) {
        String plan = plan(search, mode);
        assertFalse(plan.contains("Seq Scan"), search + " (" + mode + "):\n" + plan);
        assertTrue(plan.contains("Index"), search + " (" + mode + "):\n" + plan);
      }
    }
  }

  private static String plan(String search, String mode) {
    SearchRequest request = SearchHttp.parse(search);
    return PagePlans.explain(node.node().pool(),
        PgSearchService.pageStatement(request, io.bastion.fhir.phi.PhiProtection.NONE), mode);
  }

  private static String catalog() {
    return StoreCatalog.definitions(node.node().pool());
  }

  private static long count(String sql) {
    return node.node().pool().query(sql).execute().await().iterator().next().getLong("n");
  }
}
