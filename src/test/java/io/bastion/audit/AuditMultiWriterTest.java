package io.bastion.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.config.NodeConfig;
import io.bastion.testsupport.TestNode;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two writers with their own keys, as two nodes would be, append to one database at the same time: the
 * advisory lock makes one gapless chain, both sign checkpoints (by record count and by timer), and a
 * verifier trusts the other node's checkpoints only once its public key is installed.
 */
class AuditMultiWriterTest {

  private static final AuditConfig SMALL = new AuditConfig(100, 2, 100_000, 300, 1, 250, 16_384);

  @Test
  void twoWritersShareOneChainAndTrustIsPerKey(@TempDir Path dirA, @TempDir Path dirB) throws Exception {
    try (TestNode node = TestNode.startWithout(Map.of())) {
      var vertx = node.node().vertx();
      WorkerExecutor blocking = vertx.createSharedWorkerExecutor("audit-test", 2);
      Audit b = Audit.open(vertx, blocking, node.node().pool(), new NodeConfig("node-b", dirB), SMALL, Clock.systemUTC())
          .await(10, TimeUnit.SECONDS);
      Path trusted = Files.createDirectories(dirA.resolve("audit").resolve(AuditKeys.TRUSTED_DIR));
      Files.copy(dirB.resolve("audit").resolve(AuditKeys.PUBLIC_FILE), trusted.resolve("node-b.pub"));
      Audit a = Audit.open(vertx, blocking, node.node().pool(), new NodeConfig("node-a", dirA), SMALL, Clock.systemUTC())
          .await(10, TimeUnit.SECONDS);
      String timerDeployment = vertx.deployVerticle(new AuditVerticle(a)).await(10, TimeUnit.SECONDS);

      List<Future<Void>> appends = new ArrayList<>();
      for (int i = 0; i < 1500; i++) {
        appends.add(a.trail().append(AuditFixtures.read("pa" + (i % 9), "a-" + i)));
        appends.add(b.trail().append(AuditFixtures.read("pb" + (i % 9), "b-" + i)));
      }
      Future.all(appends).await(60, TimeUnit.SECONDS);
      assertEquals(3000, AuditFixtures.count(node.node().postgres(), "SELECT count(*) FROM audit_event"));
      assertEquals(3000, AuditFixtures.count(node.node().postgres(), "SELECT max(seq) FROM audit_event"));
      assertTrue(AuditFixtures.count(node.node().postgres(),
          "SELECT count(*) FROM audit_checkpoint WHERE node = 'node-b'") >= 4, "node b signs every 300 of its records");

      // node a's timer signs the tail within a second, without any new record counting up to 300
      AuditFixtures.append(node, 1, "nudge");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (AuditFixtures.count(node.node().postgres(),
          "SELECT count(*) FROM audit_checkpoint WHERE node = 'node-a' AND seq = 3001") == 0) {
        assertTrue(System.nanoTime() < deadline, "no timed checkpoint over the tail");
        Thread.sleep(100);
      }

      AuditVerification byA = a.verifier().verify().await(30, TimeUnit.SECONDS);
      assertTrue(byA.ok(), byA.toJson().encode());
      assertEquals(3001, byA.records());
      assertTrue(byA.checkpoints() >= 5, byA.toJson().encode());

      // the node's own verifier (bound on the bus) has never been told to trust node b's key
      JsonObject byNode = AuditFixtures.verify(node);
      assertEquals("CHECKPOINT_FORGED", byNode.getString("kind"), byNode.encode());
      assertTrue(byNode.getString("problem").contains("does not trust"), byNode.encode());

      vertx.undeploy(timerDeployment).await(10, TimeUnit.SECONDS);
      b.trail().close().await(10, TimeUnit.SECONDS);
      blocking.close();
    }
  }
}
