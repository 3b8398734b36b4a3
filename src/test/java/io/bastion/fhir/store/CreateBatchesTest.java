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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Creates of one event loop written together (CreateBatches): the rows of single creates, and outcomes apart. */
class CreateBatchesTest {

  private static final String[] TABLES = {"fhir_resource", "fhir_resource_history", "fhir_idx_string", "fhir_idx_token",
      "fhir_idx_date", "fhir_idx_reference", "fhir_idx_number", "fhir_idx_quantity", "fhir_idx_uri",
      "fhir_idx_composite", "fhir_idx_string_date"};
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
      for (String table : TABLES) {
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
