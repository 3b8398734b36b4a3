package io.bastion.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.testsupport.TestNode;
import io.bastion.testsupport.TestStores;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real node process appending under load is killed with SIGKILL (no shutdown hook, no drain): every
 * append it acknowledged before it died is in PostgreSQL, and the chain it leaves verifies.
 */
class AuditCrashTest {

  private static final int ACKS_BEFORE_KILL = 3000;

  @Test
  void everyAppendAcknowledgedBeforeSigkillIsInPostgres(@TempDir Path dataDir) throws Exception {
    String database = TestStores.newDatabase();
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), AuditCrashDriver.class.getName(), database, dataDir.toString()));
    Process driver = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    // a driver that hangs instead of acknowledging must not hang the build
    CompletableFuture.delayedExecutor(120, TimeUnit.SECONDS).execute(driver::destroyForcibly);
    Set<String> acknowledged = new HashSet<>();
    List<String> other = new ArrayList<>();
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(driver.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.startsWith("ACK ")) {
          acknowledged.add(line.substring(4));
          if (acknowledged.size() == ACKS_BEFORE_KILL) {
            break;
          }
        } else if (other.size() < 50) {
          other.add(line);
        }
      }
    } finally {
      driver.destroyForcibly(); // SIGKILL while 64 appends are in flight; acks not read yet are not checked
    }
    assertTrue(driver.waitFor(30, TimeUnit.SECONDS));
    assertTrue(acknowledged.size() >= ACKS_BEFORE_KILL, "driver died early: " + other);

    try (TestNode after = TestNode.startWithout(Map.of("postgres.url", database, "node.data-dir", dataDir.toString()))) {
      Set<String> stored = AuditDurabilityTest.storedRequestIds(after.node());
      Set<String> lost = new HashSet<>(acknowledged);
      lost.removeAll(stored);
      assertEquals(Set.of(), lost, "acknowledged appends missing after SIGKILL");
      JsonObject verified = AuditFixtures.verify(after);
      assertEquals(true, verified.getBoolean("ok"), verified.encode());
      assertEquals(stored.size(), verified.getLong("records"));
    }
  }
}
