package io.bastion.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.config.ConfigException;
import io.bastion.config.ConfigLoader;
import io.bastion.config.NodeConfig;
import io.bastion.testsupport.TestNode;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer's flush interval: the first record after a quiet period is written at once, and what arrives
 * while the interval since the last batch's start runs goes in one batch (one transaction) when it is up,
 * still acknowledged only after its commit.
 */
class AuditFlushIntervalTest {

  private static final long INTERVAL_MS = 600;
  private static final AuditConfig SPACED = new AuditConfig(1000, INTERVAL_MS, 100_000, 10_000, 3600, 1000);

  @Test
  void recordsArrivingWithinTheIntervalShareOneBatch(@TempDir Path dir) throws Exception {
    try (TestNode node = TestNode.startWithout(Map.of())) {
      var vertx = node.node().vertx();
      WorkerExecutor blocking = vertx.createSharedWorkerExecutor("audit-flush-test", 1);
      Audit audit = Audit.open(vertx, blocking, node.node().pool(), new NodeConfig("node-f", dir), SPACED,
          Clock.systemUTC()).await(10, TimeUnit.SECONDS);
      AuditTrail trail = audit.trail();
      AuditFixtures.tamper(node, "TRUNCATE audit_event, audit_checkpoint");

      long start = System.nanoTime();
      trail.append(AuditFixtures.read("p-first", "first")).await(10, TimeUnit.SECONDS);
      long firstMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(firstMs < INTERVAL_MS / 2, "the first record after a quiet period waited " + firstMs + " ms");

      // 20 records, 5 ms apart: each would be a batch of its own without the interval
      List<Future<Void>> burst = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        burst.add(trail.append(AuditFixtures.read("p" + i, "burst-" + i)));
        Thread.sleep(5);
      }
      assertTrue(burst.stream().noneMatch(Future::isComplete), "acknowledged before its batch was written");
      Future.all(burst).await(10, TimeUnit.SECONDS);

      assertEquals(21, AuditFixtures.count(node.node().postgres(), "SELECT count(*) FROM audit_event"));
      assertEquals(1, AuditFixtures.count(node.node().postgres(),
          "SELECT count(DISTINCT xmin::text) FROM audit_event WHERE seq > 1"), "the burst was not one transaction");
      assertTrue(AuditFixtures.verify(node).getBoolean("ok"));

      trail.close().await(10, TimeUnit.SECONDS);
      blocking.close();
    }
  }

  @Test
  void theIntervalIsAConfigurationKeyOf2MsByDefault() {
    ConfigLoader loader = ConfigLoader.withBuiltInDefaults();
    assertEquals(2, loader.load(null, Map.of(), Map.of()).audit().flushIntervalMs());
    assertEquals(2, AuditConfig.defaults().flushIntervalMs());
    assertEquals(0, loader.load(null, Map.of("BASTION_AUDIT_FLUSH_INTERVAL_MS", "0"), Map.of()).audit().flushIntervalMs());
    assertThrows(ConfigException.class,
        () -> loader.load(null, Map.of("BASTION_AUDIT_FLUSH_INTERVAL_MS", "-1"), Map.of()));
    assertEquals(7, AuditConfig.defaults().withFlushIntervalMs(7).flushIntervalMs());
  }
}
