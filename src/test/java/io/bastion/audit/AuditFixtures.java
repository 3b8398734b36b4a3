package io.bastion.audit;

import io.bastion.audit.AuditRecord.Action;
import io.bastion.audit.AuditRecord.Agent;
import io.bastion.audit.AuditRecord.Entity;
import io.bastion.audit.AuditRecord.Outcome;
import io.bastion.db.PostgresServer;
import io.bastion.testsupport.TestNode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Audit records, verification over the bus, and direct SQL for the tests that play the attacker. */
final class AuditFixtures {

  private AuditFixtures() {
  }

  /** A BALP "read" of an Observation that belongs to the patient, by a user from an IP. */
  static AuditRecord read(String patientId, String requestId) {
    return new AuditRecord(AuditCodes.REST, AuditCodes.interaction("read"), Action.R,
        Instant.parse("2026-12-04T10:15:30.123Z"), Outcome.SUCCESS, null,
        List.of(new Agent(AuditCodes.AGENT_USER, "dr-who", "practitioner", true, "10.1.2.3")), "test-node",
        List.of(Entity.patient(patientId), Entity.resource("Observation/obs-" + patientId)), requestId);
  }

  /** Appends n records from the calling (test) thread and waits until all are durable. */
  static void append(TestNode node, int n, String prefix) {
    List<Future<Void>> appends = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      appends.add(node.node().auditTrail().append(read("p" + (i % 7), prefix + "-" + i)));
    }
    try {
      Future.all(appends).await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("appends did not complete", e);
    }
  }

  static JsonObject verify(TestNode node) {
    try {
      return node.node().vertx().eventBus().<JsonObject>request(AuditAddresses.VERIFY, new JsonObject())
          .await(60, TimeUnit.SECONDS).body();
    } catch (Exception e) {
      throw new AssertionError("verify did not answer", e);
    }
  }

  static Connection jdbc(PostgresServer server) throws SQLException {
    return DriverManager.getConnection(server.jdbcUrl(), server.options().getUser(), server.options().getPassword());
  }

  /** Runs statements in one transaction, as someone with write access to the database would. */
  static void tamper(TestNode node, String... statements) {
    try (Connection c = jdbc(node.node().postgres()); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      for (String sql : statements) {
        s.execute(sql);
      }
      c.commit();
    } catch (SQLException e) {
      throw new AssertionError("tampering failed: " + e.getMessage(), e);
    }
  }

  static long count(PostgresServer server, String sql) throws SQLException {
    try (Connection c = jdbc(server); Statement s = c.createStatement(); var rows = s.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
