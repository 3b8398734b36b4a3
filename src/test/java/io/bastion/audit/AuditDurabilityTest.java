package io.bastion.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.Node;
import io.bastion.config.BastionConfig;
import io.bastion.testsupport.TestNode;
import io.bastion.testsupport.TestStores;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An acknowledged append is in PostgreSQL: when Vert.x is closed abruptly while appends are in flight, and
 * when the writer's connection dies in the middle of a batch. Either way the chain stays valid and a node
 * started afterwards continues it.
 */
class AuditDurabilityTest {

  @Test
  void everyAcknowledgedAppendSurvivesAnAbruptStopMidStream(@TempDir Path dataDir) throws Exception {
    String database = TestStores.newDatabase();
    Map<String, String> settings = Map.of("postgres.url", database, "node.data-dir", dataDir.toString());
    BastionConfig config = TestNode.config(settings);
    Node node = Node.start(config, TestNode.vertxOptions()).await(60, TimeUnit.SECONDS);
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    CountDownLatch enough = new CountDownLatch(500);
    // the writer stores while this loop queues (about half as fast as it queues, on this machine), so what is
    // left when the loop ends must outlast the moment until the stop: of 10,000 a quiet machine once stored all,
    // and the stop then hit no queued append; of 80,000, 31,000-36,000 are left, ~1 s of the writer's work (below the
    // 100,000 queued at which appends are refused)
    int queued = 80_000;
    for (int i = 0; i < queued; i++) {
      String id = "dur-" + i;
      node.auditTrail().append(AuditFixtures.read("p" + (i % 11), id)).onSuccess(v -> {
        acknowledged.add(id);
        enough.countDown();
      });
    }
    assertTrue(enough.await(30, TimeUnit.SECONDS), "appends are acknowledged");
    // no drain: the pool's sockets close under the batch in flight, then the event loops stop
    node.pool().close();
    node.vertx().close().await(30, TimeUnit.SECONDS);
    Set<String> snapshot = Set.copyOf(acknowledged);

    Set<String> stored = storedRequestIds(node);
    assertTrue(snapshot.size() >= 500);
    assertTrue(stored.containsAll(snapshot), "acknowledged but missing: " + difference(snapshot, stored).size());
    assertTrue(stored.size() < queued, "the stop happened with appends still queued (" + stored.size() + " stored)");

    try (TestNode restarted = TestNode.startWithout(settings)) {
      JsonObject verified = AuditFixtures.verify(restarted);
      assertEquals(true, verified.getBoolean("ok"), verified.encode());
      assertEquals(stored.size(), verified.getLong("records"));
      AuditFixtures.append(restarted, 10, "after");
      JsonObject continued = AuditFixtures.verify(restarted);
      assertEquals(true, continued.getBoolean("ok"), continued.encode());
      assertEquals(stored.size() + 10, continued.getLong("records"));
    }
  }

  @Test
  void aConnectionDyingMidBatchFailsThatBatchOnlyAndLosesNothingAcknowledged() throws Exception {
    try (TestNode node = TestNode.startWithout(Map.of())) {
      // the database kills the writer's own connection while it inserts the batch holding the marked record
      AuditFixtures.tamper(node, """
          CREATE FUNCTION audit_test_kill() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            IF NEW.entry LIKE '%kill-me%' THEN PERFORM pg_terminate_backend(pg_backend_pid()); END IF;
            RETURN NEW;
          END $$""",
          "CREATE TRIGGER audit_test_kill BEFORE INSERT ON audit_event FOR EACH ROW EXECUTE FUNCTION audit_test_kill()");
      Map<String, Future<Void>> appends = new ConcurrentHashMap<>();
      for (int i = 0; i < 600; i++) {
        String id = i == 300 ? "kill-me" : "mid-" + i;
        appends.put(id, node.node().auditTrail().append(AuditFixtures.read("p" + (i % 5), id)));
      }
      Future.join(new ArrayList<>(appends.values())).otherwiseEmpty().await(30, TimeUnit.SECONDS);

      assertTrue(appends.get("kill-me").failed(), "the batch whose connection died is not acknowledged");
      Set<String> acknowledged = new HashSet<>();
      appends.forEach((id, append) -> {
        if (append.succeeded()) {
          acknowledged.add(id);
        }
      });
      assertTrue(acknowledged.size() < 600);
      Set<String> stored = storedRequestIds(node.node());
      assertEquals(acknowledged, stored, "exactly the acknowledged records are stored");

      AuditFixtures.tamper(node, "DROP TRIGGER audit_test_kill ON audit_event");
      AuditFixtures.append(node, 20, "later");
      JsonObject verified = AuditFixtures.verify(node);
      assertEquals(true, verified.getBoolean("ok"), verified.encode());
      assertEquals(acknowledged.size() + 20, verified.getLong("records"));
    }
  }

  static Set<String> storedRequestIds(Node node) throws SQLException {
    Set<String> ids = new HashSet<>();
    try (Connection c = AuditFixtures.jdbc(node.postgres()); Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SELECT entry FROM audit_event")) {
      while (rows.next()) {
        JsonObject event = new JsonObject(rows.getString(1)).getJsonObject("event");
        List<Object> entities = event.getJsonArray("entity").getList();
        JsonObject requestId = new JsonObject((Map<String, Object>) entities.get(entities.size() - 1));
        ids.add(requestId.getJsonObject("what").getJsonObject("identifier").getString("value"));
      }
    }
    return ids;
  }

  private static Set<String> difference(Set<String> a, Set<String> b) {
    Set<String> out = new HashSet<>(a);
    out.removeAll(b);
    return out;
  }
}
