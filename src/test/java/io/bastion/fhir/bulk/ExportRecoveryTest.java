package io.bastion.fhir.bulk;

import static io.bastion.fhir.bulk.BulkExportHttpTest.assertOutcome;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.db.PostgresServer;
import io.bastion.testsupport.TestNode;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A restarted node fails the jobs it was running (a snapshot cannot be resumed) and removes jobs whose
 * retention has passed, with their files, and files no job row names.
 */
class ExportRecoveryTest {

  @Test
  void aRestartFailsInterruptedJobsAndCleanupRemovesExpiredOnes() throws Exception {
    String running = UUID.randomUUID().toString();
    String expired = UUID.randomUUID().toString();
    String kept = UUID.randomUUID().toString();
    Path dataDir = Files.createTempDirectory("bastion-export-recovery");
    Map<String, String> settings = Map.of("node.data-dir", dataDir.toString(),
        "fhir.export.cleanup-interval-seconds", "1");
    String url;
    try (TestNode first = TestNode.startWithout(settings)) {
      url = first.node().config().postgres().url();
      insert(first.node().postgres(), running, "running", "NULL");
      insert(first.node().postgres(), expired, "completed", "now() - interval '1 minute'");
      insert(first.node().postgres(), kept, "completed", "now() + interval '1 hour'");
    }
    Path exports = dataDir.resolve("exports");
    Files.createDirectories(exports.resolve(expired));
    Files.writeString(exports.resolve(expired).resolve("Patient-1.ndjson"), "{}\n");
    Files.createDirectories(exports.resolve(kept));
    String orphan = UUID.randomUUID().toString(); // files whose job row is gone (deleted through another node)
    Files.createDirectories(exports.resolve(orphan));
    Files.writeString(exports.resolve(orphan).resolve("Patient-1.ndjson"), "{}\n");

    Map<String, String> again = new java.util.HashMap<>(settings);
    again.put("postgres.url", url);
    try (TestNode second = TestNode.startWithout(again)) {
      ExportHttp export = new ExportHttp(second, null);
      var failed = export.send(HttpMethod.GET, "/fhir/$export-status/" + running, Map.of());
      assertOutcome(failed, 500);
      assertTrue(failed.bodyAsString().contains("the node stopped while the export ran"), failed.bodyAsString());

      long deadline = System.currentTimeMillis() + 10_000;
      while ((Files.exists(exports.resolve(expired)) || Files.exists(exports.resolve(orphan)))
          && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      assertFalse(Files.exists(exports.resolve(expired)), "an expired job's files are removed");
      assertFalse(Files.exists(exports.resolve(orphan)), "files no job row names are removed");
      assertOutcome(export.send(HttpMethod.GET, "/fhir/$export-status/" + expired, Map.of()), 404);
      assertEquals(200, export.send(HttpMethod.GET, "/fhir/$export-status/" + kept, Map.of()).statusCode());
      assertTrue(Files.isDirectory(exports.resolve(kept)), "a job within its retention stays");
    }
  }

  private static void insert(PostgresServer server, String id, String status, String expires) throws Exception {
    try (var c = DriverManager.getConnection(server.jdbcUrl(), server.options().getUser(), server.options().getPassword());
        var s = c.prepareStatement("INSERT INTO fhir_export_job (job_id, owner, node_id, status, level, types, request,"
            + " requires_token, transaction_time, created_at, finished_at, expires_at) VALUES (?, '-', 'test-node', ?,"
            + " 'system', ARRAY['Patient'], 'http://localhost/fhir/$export', false, now(), now(), now(), " + expires + ")")) {
      s.setString(1, id);
      s.setString(2, status);
      s.executeUpdate();
    }
  }
}
