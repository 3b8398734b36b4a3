package io.bastion.fhir.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.fhir.phi.PhiProtection;
import io.bastion.fhir.search.SearchIndexer;
import io.bastion.fhir.search.SearchParameters;
import io.bastion.fhir.seed.SyntheticPatients;
import io.bastion.fhir.store.ResourceStore.NewResource;
import io.bastion.testsupport.TestNode;
import io.vertx.sqlclient.Tuple;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The seed's COPY path writes exactly what a create through the store writes: the same current row, a POST
 * history row, and the same rows in every search-index table (the general store path is the reference), for
 * every resource of a sample of synthetic patients. And a batch is all or nothing.
 */
class PgCopyLoaderTest {

  private static final String[] INDEX_TABLES = {"fhir_idx_string", "fhir_idx_token", "fhir_idx_date",
      "fhir_idx_reference", "fhir_idx_number", "fhir_idx_quantity", "fhir_idx_uri", "fhir_idx_composite",
      "fhir_idx_string_date"};
  private static TestNode node;
  private static PgResourceStore store;
  private static PgCopyLoader loader;

  @BeforeAll
  static void start() {
    node = TestNode.startWithout(Map.of());
    SearchIndexer indexer = new SearchIndexer(SearchParameters.r4());
    store = new PgResourceStore(node.node().pool(), Clock.systemUTC(), () -> UUID.randomUUID().toString(), indexer);
    loader = new PgCopyLoader(node.node().postgres(), indexer, Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    loader.close();
    node.close();
  }

  @Test
  void copiedRowsAreTheRowsACreateWrites() throws Exception {
    List<NewResource> sample = new ArrayList<>();
    for (int n = 0; n < 12; n++) {
      sample.addAll(new SyntheticPatients(77).patient(n));
    }
    assertEquals(sample.size(), node.node().vertx().executeBlocking(() -> loader.load(sample)).await());
    int withRows = 0;
    for (NewResource r : sample) {
      String copy = "copy-" + r.id().substring(5);
      store.create(r.type(), copy, r.resource()).await();
      for (String table : INDEX_TABLES) {
        List<String> copied = indexRows(table, r.type(), r.id());
        assertEquals(indexRows(table, r.type(), copy), copied, table + " of " + r.type() + "/" + r.id());
        withRows += copied.isEmpty() ? 0 : 1;
      }
      assertEquals(content(r.type(), copy), content(r.type(), r.id()), "content of " + r.type());
      assertEquals(1L, count("SELECT count(*) AS n FROM fhir_resource_history h JOIN fhir_resource r USING (res_pk) "
          + "WHERE r.res_type = $1 AND r.res_id = $2 AND h.version = 1 AND h.method = 'POST' AND h.content = r.content "
          + "AND h.last_updated = r.last_updated AND NOT r.deleted", r.type(), r.id()));
    }
    assertTrue(withRows > sample.size() * 2, "most resources have rows in several index tables: " + withRows);
  }

  @Test
  void aBatchWithOneExistingIdWritesNothing() throws Exception {
    List<NewResource> first = new SyntheticPatients(76).patient(0);
    node.node().vertx().executeBlocking(() -> loader.load(first)).await();
    List<NewResource> second = new ArrayList<>(new SyntheticPatients(76).patient(1));
    second.add(first.get(0));
    StoreException failed = assertThrows(StoreException.class,
        () -> node.node().vertx().executeBlocking(() -> loader.load(second)).await());
    assertEquals(StoreException.Reason.CONFLICT, failed.reason());
    assertEquals(0L, count("SELECT count(*) AS n FROM fhir_resource WHERE res_type = $1 AND res_id = $2",
        second.get(0).type(), second.get(0).id()));
    // the connection is usable after the failed batch
    List<NewResource> third = new SyntheticPatients(76).patient(2);
    assertEquals(third.size(), node.node().vertx().executeBlocking(() -> loader.load(third)).await());
  }

  @Test
  void aServerThatStopsAnsweringFailsTheBatchInsteadOfHangingTheSeed() throws Exception {
    PgCopyLoader impatient = new PgCopyLoader(node.node().postgres(), new SearchIndexer(SearchParameters.r4()),
        PhiProtection.NONE, Clock.systemUTC(), Duration.ofSeconds(1));
    List<NewResource> batch = new SyntheticPatients(75).patient(0);
    try (Connection holder = loader.connection()) {
      // another session holds the table, so the COPY waits for its lock and PostgreSQL says nothing meanwhile
      try (Statement statement = holder.createStatement()) {
        statement.execute("LOCK TABLE fhir_resource IN ACCESS EXCLUSIVE MODE");
      }
      SQLException failed = assertTimeoutPreemptively(Duration.ofSeconds(20),
          () -> assertThrows(SQLException.class, () -> impatient.load(batch)), "gave up after its silence");
      assertTrue(failed.getMessage().contains("did not answer within 1 s"), failed.getMessage());
      holder.rollback();
    }
    assertEquals(0L, count("SELECT count(*) AS n FROM fhir_resource WHERE res_type = $1 AND res_id = $2",
        batch.get(0).type(), batch.get(0).id()));
    // the broken connection was given up: the next batch gets a new one
    assertEquals(batch.size(), impatient.load(batch));
    impatient.close();
  }

  /** Index rows of a resource without res_pk, sorted, as JSON text. */
  private static List<String> indexRows(String table, String type, String id) {
    List<String> rows = new ArrayList<>();
    node.node().pool().preparedQuery("SELECT to_jsonb(i) - 'res_pk' - 'id' AS row FROM " + table + " i JOIN fhir_resource r "
            + "USING (res_pk) WHERE r.res_type = $1 AND r.res_id = $2 ORDER BY 1")
        .execute(Tuple.of(type, id)).await().forEach(row -> rows.add(String.valueOf(row.getValue("row"))));
    return rows;
  }

  /** The stored content without the parts that differ by design: id and meta.lastUpdated. */
  private static String content(String type, String id) {
    return node.node().pool().preparedQuery("SELECT (content - 'id' #- '{meta,lastUpdated}')::text AS c FROM fhir_resource "
        + "WHERE res_type = $1 AND res_id = $2").execute(Tuple.of(type, id)).await().iterator().next().getString("c");
  }

  private static long count(String sql, String type, String id) {
    return node.node().pool().preparedQuery(sql).execute(Tuple.of(type, id)).await().iterator().next().getLong("n");
  }
}
