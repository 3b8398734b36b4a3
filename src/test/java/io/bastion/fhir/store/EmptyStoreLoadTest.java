package io.bastion.fhir.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.fhir.search.SearchIndexer;
import io.bastion.fhir.search.SearchParameters;
import io.bastion.fhir.seed.SyntheticPatients;
import io.bastion.fhir.store.ResourceStore.NewResource;
import io.bastion.testsupport.StoreCatalog;
import io.bastion.testsupport.TestNode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The load into an empty store: it writes what a create through the store writes, and every index and key
 * of the store's tables is there afterwards exactly as the migrations defined it, whether the load
 * committed, failed, or lost its connection midway (then the store is empty again).
 */
class EmptyStoreLoadTest {

  private static final String[] INDEX_TABLES = {"fhir_idx_string", "fhir_idx_token", "fhir_idx_date",
      "fhir_idx_reference", "fhir_idx_number", "fhir_idx_quantity", "fhir_idx_uri", "fhir_idx_composite",
      "fhir_idx_string_date"};
  private static TestNode node;
  private static PgResourceStore store;
  private static PgCopyLoader loader;
  private static String migrated;

  @BeforeAll
  static void start() {
    node = TestNode.startWithout(Map.of());
    SearchIndexer indexer = new SearchIndexer(SearchParameters.r4());
    store = new PgResourceStore(node.node().pool(), Clock.systemUTC(), () -> UUID.randomUUID().toString(), indexer);
    loader = new PgCopyLoader(node.node().postgres(), indexer, Clock.systemUTC());
    migrated = catalog();
  }

  @AfterAll
  static void stop() {
    loader.close();
    node.close();
  }

  @BeforeEach
  void emptyStore() {
    node.node().pool().query("TRUNCATE " + StoreCatalog.TABLES).execute().await();
  }

  @Test
  void writesWhatACreateWritesAndRebuildsEveryIndex() throws Exception {
    List<NewResource> first = patients(71, 0, 6);
    List<NewResource> second = patients(71, 6, 12);
    EmptyStoreLoad load = begin().orElseThrow();
    // two batches at once, as the seed runs them
    Future.all(blocking(() -> load.load(first)), blocking(() -> load.load(second))).await();
    blocking(() -> {
      load.finish();
      load.close();
      return null;
    }).await();
    assertEquals(migrated, catalog());

    List<NewResource> sample = new ArrayList<>(first);
    sample.addAll(second);
    int withRows = 0;
    for (NewResource r : sample) {
      String copy = "copy-" + r.id().substring(5);
      store.create(r.type(), copy, r.resource()).await();
      for (String table : INDEX_TABLES) {
        List<String> loaded = indexRows(table, r.type(), r.id());
        assertEquals(indexRows(table, r.type(), copy), loaded, table + " of " + r.type() + "/" + r.id());
        withRows += loaded.isEmpty() ? 0 : 1;
      }
      assertEquals(content(r.type(), copy), content(r.type(), r.id()), "content of " + r.type());
      assertEquals(1L, count("SELECT count(*) AS n FROM fhir_resource_history h JOIN fhir_resource r USING (res_pk) "
          + "WHERE r.res_type = $1 AND r.res_id = $2 AND h.version = 1 AND h.method = 'POST' AND h.content = r.content "
          + "AND h.last_updated = r.last_updated AND h.res_type = r.res_type AND h.res_id = r.res_id AND NOT r.deleted",
          r.type(), r.id()));
    }
    assertTrue(withRows > sample.size() * 2, "most resources have rows in several index tables: " + withRows);
    assertEquals(2L * sample.size(), count("SELECT count(*) AS n FROM fhir_resource_history"));
  }

  @Test
  void aLoadClosedBeforeItFinishesLeavesTheStoreEmptyWithEveryIndex() throws Exception {
    EmptyStoreLoad load = begin().orElseThrow();
    blocking(() -> load.load(patients(72, 0, 5))).await();
    blocking(() -> {
      load.close();
      return null;
    }).await();
    assertStoreEmptyAndIndexed();
  }

  @Test
  void aLoadWhoseConnectionDiesLeavesTheStoreEmptyWithEveryIndex() throws Exception {
    EmptyStoreLoad load = begin().orElseThrow();
    blocking(() -> load.load(patients(73, 0, 5))).await();
    // as when the node is killed: PostgreSQL ends the backend's transaction
    assertEquals(1L, count("SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE application_name = $1 "
        + "AND datname = current_database() AND state = $2", "bastion-seed", "idle in transaction"));
    assertThrows(SQLException.class, () -> blocking(() -> load.load(patients(73, 5, 10))).await());
    blocking(() -> {
      load.close();
      return null;
    }).await();
    assertStoreEmptyAndIndexed();
  }

  @Test
  void aRepeatedIdFailsTheWholeLoad() throws Exception {
    List<NewResource> first = patients(74, 0, 3);
    List<NewResource> second = new ArrayList<>(patients(74, 3, 4));
    second.add(first.get(0));
    EmptyStoreLoad load = begin().orElseThrow();
    StoreException failed = assertThrows(StoreException.class, () -> blocking(() -> {
      try (load) {
        load.load(first);
        load.load(second);
        load.finish();
      }
      return null;
    }).await());
    assertEquals(StoreException.Reason.CONFLICT, failed.reason());
    assertStoreEmptyAndIndexed();
  }

  @Test
  void aStoreWithResourcesIsNeitherLockedNorLoadedThisWay() throws Exception {
    store.create("Patient", "already-there", new JsonObject().put("resourceType", "Patient")).await();
    assertTrue(begin().isEmpty());
    // nothing was dropped, and nothing holds a lock: the batch-by-batch load goes on at once
    assertEquals(migrated, catalog());
    List<NewResource> batch = patients(75, 0, 2);
    assertEquals(batch.size(), blocking(() -> loader.load(batch)).await());
  }

  @Test
  void aStoreThatStaysInUseIsLoadedBatchByBatch() throws Exception {
    // a transaction that keeps reading the store (an export, a session left idle in a transaction)
    io.vertx.sqlclient.SqlConnection reader = node.node().pool().getConnection().await();
    try {
      reader.query("BEGIN").execute().await();
      reader.query("SELECT count(*) FROM fhir_resource").execute().await();
      long started = System.nanoTime();
      assertTrue(begin().isEmpty());
      assertTrue(System.nanoTime() - started < 10_000_000_000L, "it gave up after its lock timeout");
    } finally {
      reader.query("ROLLBACK").execute().await();
      reader.close().await();
    }
    assertEquals(migrated, catalog());
    List<NewResource> batch = patients(76, 0, 2);
    assertEquals(batch.size(), blocking(() -> loader.load(batch)).await());
  }

  private static void assertStoreEmptyAndIndexed() {
    assertEquals(migrated, catalog());
    for (String table : StoreCatalog.TABLES.split(", ")) {
      assertEquals(0L, count("SELECT count(*) AS n FROM " + table), table);
    }
    // and the store works as before: a create, found through its index rows
    store.create("Patient", "after", new JsonObject().put("resourceType", "Patient")
        .put("identifier", new io.vertx.core.json.JsonArray().add(new JsonObject().put("system", "urn:s").put("value", "v1"))))
        .await();
    assertEquals(1L, count("SELECT count(*) AS n FROM fhir_idx_token WHERE res_type = 'Patient' AND name = $1 AND code = $2",
        "identifier", "v1"));
  }

  private static Optional<EmptyStoreLoad> begin() {
    return blocking(loader::beginEmptyStoreLoad).await();
  }

  private static List<NewResource> patients(long seed, int from, int to) {
    List<NewResource> resources = new ArrayList<>();
    SyntheticPatients generator = new SyntheticPatients(seed);
    for (int n = from; n < to; n++) {
      resources.addAll(generator.patient(n));
    }
    return resources;
  }

  private static <T> Future<T> blocking(java.util.concurrent.Callable<T> work) {
    return node.node().vertx().executeBlocking(work, false);
  }

  private static String catalog() {
    return StoreCatalog.definitions(node.node().pool());
  }

  /** Index rows of a resource without res_pk, sorted, as JSON text. */
  private static List<String> indexRows(String table, String type, String id) {
    List<String> rows = new ArrayList<>();
    node.node().pool().preparedQuery("SELECT to_jsonb(i) - 'res_pk' AS row FROM " + table + " i JOIN fhir_resource r "
            + "USING (res_pk) WHERE r.res_type = $1 AND r.res_id = $2 ORDER BY 1")
        .execute(Tuple.of(type, id)).await().forEach(row -> rows.add(String.valueOf(row.getValue("row"))));
    return rows;
  }

  /** The stored content without the parts that differ by design: id and meta.lastUpdated. */
  private static String content(String type, String id) {
    return node.node().pool().preparedQuery("SELECT (content - 'id' #- '{meta,lastUpdated}')::text AS c FROM fhir_resource "
        + "WHERE res_type = $1 AND res_id = $2").execute(Tuple.of(type, id)).await().iterator().next().getString("c");
  }

  private static long count(String sql, Object... params) {
    return node.node().pool().preparedQuery(sql).execute(Tuple.from(params)).await().iterator().next().getLong("n");
  }
}
