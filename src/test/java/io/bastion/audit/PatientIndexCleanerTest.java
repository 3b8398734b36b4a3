package io.bastion.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.testsupport.TestNode;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The patients index's pending entries, merged from the cleaner's connection once enough ids were appended. */
class PatientIndexCleanerTest {

  private static TestNode node;
  private static Pool pool;

  @BeforeAll
  static void start() {
    node = TestNode.startWithout(Map.of());
    pool = PgBuilder.pool().connectingTo(node.node().postgres().options()).using(node.node().vertx()).build();
  }

  @AfterAll
  static void stop() {
    pool.close().await();
    node.close();
  }

  @BeforeEach
  void emptyChain() {
    AuditFixtures.tamper(node, "TRUNCATE audit_event, audit_checkpoint");
  }

  @Test
  void theCleanerMergesThePendingEntriesOnceEnoughIdsWereAppended() throws Exception {
    PatientIndexCleaner cleaner = new PatientIndexCleaner(pool, 4_000);
    insertRecords(1, 200); // 4,000 ids, as 200 audited searches of 20 Patients leave them
    cleaner.appended(3_999);
    assertEquals(0, cleaner.cleans(), "no merge before the threshold");
    cleaner.appended(1);
    for (int i = 0; i < 200 && cleaner.cleans() == 0; i++) {
      Thread.sleep(50);
    }
    assertEquals(1, cleaner.cleans(), "one merge at the threshold");
    assertEquals(0, pendingPagesMerged(), "the cleaner left nothing for an INSERT to merge");
    assertEquals(1, AuditFixtures.count(node.node().postgres(),
        "SELECT count(*) FROM audit_event WHERE patients @> ARRAY['Patient/p-123-7']"), "the merged entries answer");

    // the premise: such appends leave pending entries that an INSERT would merge itself past the limit
    insertRecords(201, 200);
    assertTrue(pendingPagesMerged() > 0, "appends leave pending entries");
  }

  @Test
  void offAtZero() throws Exception {
    PatientIndexCleaner cleaner = new PatientIndexCleaner(pool, 0);
    insertRecords(1, 50);
    cleaner.appended(1_000_000);
    Thread.sleep(200);
    assertEquals(0, cleaner.cleans());
    assertTrue(pendingPagesMerged() > 0, "the entries were left pending");
  }

  /** Records seq from..from+n-1, each naming 20 patients (the rows' other columns do not matter here). */
  private static void insertRecords(int from, int n) {
    AuditFixtures.tamper(node, "INSERT INTO audit_event (seq, recorded, prev_hash, hash, entry, patients, agent)"
        + " SELECT g, now(), decode(repeat('00', 32), 'hex'), decode(repeat('00', 32), 'hex'), '{}',"
        + " ARRAY(SELECT 'Patient/p-' || g || '-' || k FROM generate_series(1, 20) k), 'agent'"
        + " FROM generate_series(" + from + ", " + (from + n - 1) + ") g");
  }

  /** Merges what is still pending (as an INSERT past the limit would) and answers how many pages that was. */
  private static long pendingPagesMerged() throws Exception {
    return AuditFixtures.count(node.node().postgres(), "SELECT gin_clean_pending_list('audit_event_patients'::regclass)");
  }
}
