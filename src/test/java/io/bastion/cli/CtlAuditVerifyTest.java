package io.bastion.cli;

import static io.bastion.cli.CtlRun.ctl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.audit.AuditCodes;
import io.bastion.audit.AuditRecord;
import io.bastion.testsupport.FreePort;
import io.bastion.testsupport.TestNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** `bastion ctl audit verify` in-process against a real node: 0 on an intact chain, 6 after tampering. */
class CtlAuditVerifyTest {

  private static final String TOKEN = "ctl-audit-token-0123456789";
  private static TestNode node;
  private static int ctlPort;

  @BeforeAll
  static void start() {
    ctlPort = FreePort.next();
    node = TestNode.start(Map.of("ctl.token", TOKEN, "ctl.port", String.valueOf(ctlPort)));
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void intactChainExitsZeroAndTamperingExitsSixNamingTheRecord() throws Exception {
    for (int i = 0; i < 5; i++) {
      node.node().auditTrail().append(new AuditRecord(AuditCodes.REST, AuditCodes.interaction("read"),
          AuditRecord.Action.R, Instant.now(), AuditRecord.Outcome.SUCCESS, null,
          List.of(new AuditRecord.Agent(AuditCodes.AGENT_USER, "user-" + i, null, true, "127.0.0.1")), "test-node",
          List.of(AuditRecord.Entity.patient("p" + i)), null)).await(10, TimeUnit.SECONDS);
    }
    CtlRun intact = ctl("audit", "verify", "--port", String.valueOf(ctlPort), "--token", TOKEN);
    assertEquals(0, intact.exit(), intact.out() + intact.err());
    assertTrue(intact.out().startsWith("ok: "), intact.out());

    var server = node.node().postgres();
    long target;
    try (Connection c = DriverManager.getConnection(server.jdbcUrl(), server.options().getUser(),
        server.options().getPassword()); Statement s = c.createStatement()) {
      var rows = s.executeQuery("SELECT seq FROM audit_event WHERE patients @> ARRAY['p2'] ORDER BY seq LIMIT 1");
      rows.next();
      target = rows.getLong(1);
      s.executeUpdate("UPDATE audit_event SET entry = replace(entry, 'user-2', 'user-9') WHERE seq = " + target);
    }
    CtlRun tampered = ctl("audit", "verify", "--port", String.valueOf(ctlPort), "--token", TOKEN);
    assertEquals(6, tampered.exit(), tampered.out() + tampered.err());
    assertTrue(tampered.out().contains("first bad sequence " + target + ", kind MODIFIED"), tampered.out());

    CtlRun json = ctl("audit", "verify", "--json", "--port", String.valueOf(ctlPort), "--token", TOKEN);
    assertEquals(6, json.exit(), json.err());
    assertEquals(target, new io.vertx.core.json.JsonObject(json.out()).getLong("firstBadSequence"));
  }
}
