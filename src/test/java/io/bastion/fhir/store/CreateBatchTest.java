package io.bastion.fhir.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.fhir.search.SearchIndexer;
import io.bastion.fhir.search.SearchParameters;
import io.bastion.fhir.seed.SyntheticPatients;
import io.bastion.fhir.store.ResourceStore.NewResource;
import io.bastion.testsupport.TestNode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Writes of several resources at once: the batch insert of the seed (the same rows as one create per resource, index
 * included, and all or nothing), and the creates of one event loop written together ({@link CreateBatches}: the rows
 * of single creates, and each create's outcome apart).
 */
class CreateBatchTest {

  private static final String[] INDEX_TABLES = {"fhir_idx_string", "fhir_idx_token", "fhir_idx_date",
      "fhir_idx_reference", "fhir_idx_number", "fhir_idx_quantity", "fhir_idx_uri", "fhir_idx_composite",
      "fhir_idx_string_date"};
  private static final List<String> RESOURCE_AND_INDEX_TABLES = Stream.concat(
      Stream.of("fhir_resource", "fhir_resource_history"), Arrays.stream(INDEX_TABLES)).toList();
  private static TestNode node;
  private static PgResourceStore store;

  @BeforeAll
  static void start() {
    node = TestNode.startWithout(Map.of());
    store = new PgResourceStore(node.node().pool(), Clock.systemUTC(), () -> UUID.randomUUID().toString(),
        new SearchIndexer(SearchParameters.r4()));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void batchWritesWhatSingleCreatesWrite() {
    List<NewResource> patient = new SyntheticPatients(99).patient(0);
    assertEquals(patient.size(), store.createBatch(patient).await());
    for (NewResource r : patient) {
      String copy = "copy-" + r.id().substring(5);
      store.create(r.type(), copy, r.resource()).await();
      assertTrue(!indexRows("fhir_idx_token", r.type(), r.id()).isEmpty(), r.type() + " has token rows");
      for (String table : INDEX_TABLES) {
        assertEquals(indexRows(table, r.type(), copy), indexRows(table, r.type(), r.id()), table + " of " + r.type());
      }
      assertEquals(1L, count("SELECT count(*) AS n FROM fhir_resource_history h JOIN fhir_resource r USING (res_pk) "
          + "WHERE r.res_type = $1 AND r.res_id = $2 AND h.version = 1 AND h.method = 'POST'", r.type(), r.id()));
    }
  }

  /**
   * A create sends its index rows as one text array per column, a batch as JSON: the rows must be the same, in
   * every table, nulls and composite rows included (the examples and these additions fill all but number, which
   * no supported parameter uses).
   */
  @Test
  void createAndBatchIndexAlikeInEveryTable() {
    List<JsonObject> resources = new ArrayList<>();
    for (String name : List.of("auditevent-example", "condition-example", "documentreference-example",
        "encounter-example", "medicationrequest-example", "observation-example-bloodpressure", "patient-example")) {
      resources.add(example(name));
    }
    resources.add(new JsonObject().put("resourceType", "Observation").put("status", "final")
        .put("meta", new JsonObject().put("profile", new io.vertx.core.json.JsonArray()
            .add("http://example.org/StructureDefinition/a").add("http://example.org/StructureDefinition/a")))
        .put("code", new JsonObject().put("coding", new io.vertx.core.json.JsonArray()
            .add(new JsonObject().put("code", "x-1"))).put("text", "Stränge Ünïcode"))
        .put("valueString", "A free-text Value, said twice"));
    resources.add(new JsonObject().put("resourceType", "Observation").put("status", "final")
        .put("code", new JsonObject().put("coding", new io.vertx.core.json.JsonArray()
            .add(new JsonObject().put("system", "http://loinc.org").put("code", "8302-2"))))
        .put("valuePeriod", new JsonObject().put("start", "2020-02-03T04:05:06+02:00")));
    java.util.Set<String> filled = new java.util.TreeSet<>();
    for (JsonObject resource : resources) {
      String type = resource.getString("resourceType");
      String batched = UUID.randomUUID().toString();
      String created = UUID.randomUUID().toString();
      store.createBatch(List.of(new NewResource(type, batched, resource.copy()))).await();
      store.create(type, created, resource.copy()).await();
      for (String table : INDEX_TABLES) {
        List<String> rows = indexRows(table, type, created);
        assertEquals(indexRows(table, type, batched), rows, table + " of " + type);
        if (!rows.isEmpty()) {
          filled.add(table);
        }
      }
    }
    assertEquals(java.util.Set.of("fhir_idx_string", "fhir_idx_token", "fhir_idx_date", "fhir_idx_reference",
        "fhir_idx_quantity", "fhir_idx_uri", "fhir_idx_composite", "fhir_idx_string_date"), filled);
  }

  private static JsonObject example(String name) {
    try (java.io.InputStream in = CreateBatchTest.class.getResourceAsStream("/fhir/examples/" + name + ".json")) {
      return new JsonObject(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aBatchWithOneCollisionWritesNothing() {
    List<NewResource> first = new SyntheticPatients(98).patient(0);
    store.createBatch(first).await();
    List<NewResource> second = new ArrayList<>(new SyntheticPatients(98).patient(1));
    second.add(first.get(0));
    StoreException failed = org.junit.jupiter.api.Assertions.assertThrows(StoreException.class,
        () -> store.createBatch(second).await());
    assertEquals(StoreException.Reason.CONFLICT, failed.reason());
    assertEquals(0L, count("SELECT count(*) AS n FROM fhir_resource WHERE res_type = $1 AND res_id = $2",
        second.get(0).type(), second.get(0).id()));
    assertTrue(store.createBatch(List.of()).await() == 0);
  }

  private static List<String> indexRows(String table, String type, String id) {
    List<String> rows = new ArrayList<>();
    node.node().pool().preparedQuery("SELECT to_jsonb(i) - 'res_pk' - 'id' AS row FROM " + table + " i JOIN fhir_resource r "
            + "USING (res_pk) WHERE r.res_type = $1 AND r.res_id = $2 ORDER BY 1")
        .execute(Tuple.of(type, id)).await().forEach(row -> rows.add(String.valueOf(row.getValue("row"))));
    return rows;
  }

  private static long count(String sql, String type, String id) {
    return node.node().pool().preparedQuery(sql).execute(Tuple.of(type, id)).await().iterator().next().getLong("n");
  }

  @Test
  void concurrentCreatesWriteWhatSingleCreatesWrite() {
    List<NewResource> resources = new ArrayList<>();
    for (int p = 0; p < 3; p++) {
      resources.addAll(new SyntheticPatients(97).patient(p));
    }
    List<String> batchedIds = new ArrayList<>();
    long before = store.createStatementsOfSeveral();
    List<Future<Written>> batched = onOneLoop(() -> {
      List<Future<Written>> writes = new ArrayList<>();
      for (NewResource r : resources) {
        String id = UUID.randomUUID().toString();
        batchedIds.add(id);
        writes.add(fromOwnContext(() -> store.create(r.type(), id, r.resource().copy())));
      }
      return writes;
    });
    Future.all(batched).await();
    assertTrue(store.createStatementsOfSeveral() > before, "some statements held several creates");
    for (int i = 0; i < resources.size(); i++) {
      NewResource r = resources.get(i);
      String single = UUID.randomUUID().toString();
      store.create(r.type(), single, r.resource().copy()).await(); // off the event loop: its own statement
      assertEquals(batched.get(i).result().resource().id(), batchedIds.get(i));
      for (String table : RESOURCE_AND_INDEX_TABLES) {
        assertEquals(rows(table, r.type(), single), rows(table, r.type(), batchedIds.get(i)), table + " of " + r.type());
      }
      assertTrue(!rows("fhir_idx_token", r.type(), single).isEmpty(), r.type() + " has token rows");
    }
  }

  @Test
  void aConflictFailsOnlyItsCreate() {
    List<NewResource> patient = new SyntheticPatients(96).patient(0);
    String taken = UUID.randomUUID().toString();
    List<Future<Written>> writes = onOneLoop(() -> {
      List<Future<Written>> all = new ArrayList<>();
      for (NewResource r : patient) {
        all.add(fromOwnContext(() -> store.create(r.type(), UUID.randomUUID().toString(), r.resource().copy())));
      }
      all.add(fromOwnContext(() -> store.create("Patient", taken, patient.get(0).resource().copy())));
      all.add(fromOwnContext(() -> store.create("Patient", taken, patient.get(0).resource().copy())));
      return all;
    });
    Future.join(writes).otherwiseEmpty().await();
    int failed = 0;
    for (int i = 0; i < writes.size(); i++) {
      Future<Written> write = writes.get(i);
      if (write.failed()) {
        failed++;
        assertTrue(i >= patient.size(), "only a create of the taken id fails");
        assertEquals(StoreException.Reason.CONFLICT, ((StoreException) write.cause()).reason());
      }
    }
    assertEquals(1, failed);
    assertEquals(1, rows("fhir_resource", "Patient", taken).size());
  }

  /** Runs the work in one task of an event-loop context, so that its creates meet in CreateBatches. */
  private static <T> T onOneLoop(Supplier<T> work) {
    Context context = node.node().vertx().getOrCreateContext();
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> done.complete(work.get()));
    return done.future().await();
  }

  /**
   * One create as a request makes it: from a duplicated context of its own (as the HTTP server gives each
   * request), whose outcome must come back on that same context.
   */
  private static Future<Written> fromOwnContext(Supplier<Future<Written>> create) {
    ContextInternal own = ((ContextInternal) Vertx.currentContext()).duplicate();
    Promise<Written> done = Promise.promise();
    own.runOnContext(v -> create.get().onComplete(result -> {
      if (Vertx.currentContext() != own) {
        done.fail(new AssertionError("the outcome came on another context"));
      } else {
        done.handle(result);
      }
    }));
    return done.future();
  }

  /** The resource's rows in the table, without the keys and times that differ between two creates. */
  private static List<String> rows(String table, String type, String id) {
    List<String> rows = new ArrayList<>();
    node.node().pool().preparedQuery("SELECT to_jsonb(i) - 'res_pk' - 'res_id' - 'last_updated' - 'content' AS row, "
            + "i" + (table.startsWith("fhir_resource") ? ".content - 'id' - 'meta'" : ".res_pk IS NOT NULL") + " AS body FROM "
            + table + " i JOIN fhir_resource r USING (res_pk) WHERE r.res_type = $1 AND r.res_id = $2 ORDER BY 1")
        .execute(Tuple.of(type, id)).await()
        .forEach(row -> rows.add(row.getValue("row") + " " + row.getValue("body")));
    return rows;
  }
}
