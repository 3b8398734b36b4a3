package io.bastion.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bastion.testsupport.TestNode;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** V17: a record's text over the TOAST threshold is compressed with LZ4 where the server has it, and reads back as written. */
class AuditEntryCompressionTest {

  private static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.startWithout(Map.of());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void aLongEntryIsStoredWithLz4WhereTheServerHasItAndReadsBackUnchanged() throws Exception {
    AuditFixtures.tamper(node, "TRUNCATE audit_event, audit_checkpoint");
    boolean lz4 = count("SELECT count(*) FROM pg_settings WHERE name = 'default_toast_compression'"
        + " AND 'lz4' = ANY (enumvals)") == 1;
    String entry = "(SELECT string_agg('{\"what\":{\"reference\":\"Patient/p-' || k || '\"},\"role\":{\"code\":\"1\"}}', ',')"
        + " FROM generate_series(1, 200) k)"; // ~9 KB, compressible as a page's patient entities are
    AuditFixtures.tamper(node, "INSERT INTO audit_event (seq, recorded, prev_hash, hash, entry, patients, agent)"
        + " VALUES (1, now(), decode(repeat('00', 32), 'hex'), decode(repeat('00', 32), 'hex'), " + entry + ", NULL, 'agent')");

    assertEquals(1, count("SELECT count(*) FROM audit_event WHERE seq = 1 AND entry = " + entry), "reads back as written");
    assertEquals(lz4 ? 1 : 0, count("SELECT count(*) FROM audit_event WHERE seq = 1 AND pg_column_compression(entry) = 'lz4'"),
        "compressed with LZ4 exactly when the server has it");
    assertEquals(1, count("SELECT count(*) FROM audit_event WHERE seq = 1 AND pg_column_compression(entry) IS NOT NULL"),
        "compressed at all");
  }

  private static long count(String sql) throws Exception {
    return AuditFixtures.count(node.node().postgres(), sql);
  }
}
