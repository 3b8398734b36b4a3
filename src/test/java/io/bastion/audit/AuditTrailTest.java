package io.bastion.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.testsupport.TestNode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Appends through the node's trail: what is stored, concurrency, checkpoints and the signing key. */
class AuditTrailTest {

  private static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.startWithout(Map.of());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @BeforeEach
  void emptyChain() {
    AuditFixtures.tamper(node, "TRUNCATE audit_event, audit_checkpoint");
  }

  @Test
  void anAppendedRecordIsStoredAsACanonicalAuditEventInTheChain() throws Exception {
    node.node().auditTrail().append(AuditFixtures.read("pat-1", "req-00001")).await(10, TimeUnit.SECONDS);

    try (Connection c = AuditFixtures.jdbc(node.node().postgres()); Statement s = c.createStatement();
        ResultSet row = s.executeQuery("SELECT seq, prev_hash, hash, entry, patients, agent, recorded FROM audit_event")) {
      assertTrue(row.next());
      assertEquals(1, row.getLong("seq"));
      assertArrayEquals(new byte[32], row.getBytes("prev_hash"));
      String entry = row.getString("entry");
      assertArrayEquals(ChainHash.hash(new byte[32], entry), row.getBytes("hash"));
      assertTrue(entry.endsWith(",\"seq\":1}"), entry);
      assertEquals(entry, CanonicalJson.encode(new JsonObject(entry)), "stored entry is canonical");
      JsonObject event = new JsonObject(entry).getJsonObject("event");
      assertEquals("AuditEvent", event.getString("resourceType"));
      assertEquals("rest", event.getJsonObject("type").getString("code"));
      assertEquals("read", event.getJsonArray("subtype").getJsonObject(0).getString("code"));
      assertEquals("R", event.getString("action"));
      assertEquals("0", event.getString("outcome"));
      assertEquals("2026-12-04T10:15:30.123Z", event.getString("recorded"));
      assertEquals("test-node", event.getJsonObject("source").getJsonObject("observer").getString("display"));
      JsonObject agent = event.getJsonArray("agent").getJsonObject(0);
      assertEquals("dr-who", agent.getJsonObject("who").getJsonObject("identifier").getString("value"));
      assertEquals("10.1.2.3", agent.getJsonObject("network").getString("address"));
      JsonArray entities = event.getJsonArray("entity");
      assertEquals("Patient/pat-1", entities.getJsonObject(0).getJsonObject("what").getString("reference"));
      assertEquals("1", entities.getJsonObject(0).getJsonObject("role").getString("code"));
      assertEquals("req-00001", entities.getJsonObject(2).getJsonObject("what").getJsonObject("identifier")
          .getString("value"));
      assertArrayEquals(new String[] {"pat-1"}, (Object[]) row.getArray("patients").getArray());
      assertEquals("dr-who", row.getString("agent"));
      assertEquals(java.time.Instant.parse("2026-12-04T10:15:30.123Z").toEpochMilli(), row.getTimestamp("recorded").getTime());
      assertTrue(!row.next());
    }
    JsonObject verified = AuditFixtures.verify(node);
    assertEquals(true, verified.getBoolean("ok"), verified.encode());
    assertEquals(1, verified.getLong("records"));
  }

  @Test
  void theTailLookupPlannedOnAnEmptyAnalysedTableIsStillTheIndexScan() throws Exception {
    // audit_append plans its tail query once per connection (V13); planned on an empty table whose statistics
    // say so, the cheapest plan would be a sequential scan and a sort, kept for every later call
    try (Connection c = AuditFixtures.jdbc(node.node().postgres()); Statement s = c.createStatement()) {
      s.execute("ANALYZE audit_event");
      try (ResultSet config = s.executeQuery("SELECT proconfig FROM pg_proc WHERE proname = 'audit_append'")) {
        assertTrue(config.next());
        assertEquals("[enable_seqscan=off]", String.valueOf(List.of((String[]) config.getArray(1).getArray())));
      }
      s.execute("SET enable_seqscan = off");
      StringBuilder plan = new StringBuilder();
      try (ResultSet rows = s.executeQuery("EXPLAIN SELECT e.seq, e.hash FROM audit_event e ORDER BY e.seq DESC LIMIT 1")) {
        while (rows.next()) {
          plan.append(rows.getString(1)).append('\n');
        }
      }
      assertTrue(plan.toString().contains("Index Scan Backward using audit_event_pkey"), plan.toString());
    }
    node.node().auditTrail().append(AuditFixtures.read("pat-1", "req-00001")).await(10, TimeUnit.SECONDS);
    node.node().auditTrail().append(AuditFixtures.read("pat-2", "req-00002")).await(10, TimeUnit.SECONDS);
    try (Connection c = AuditFixtures.jdbc(node.node().postgres()); Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SELECT count(*) FROM audit_event")) {
      assertTrue(rows.next());
      assertEquals(2, rows.getLong(1), "the second append found the first one's tail");
    }
  }

  @Test
  void fiveThousandConcurrentAppendsFromFourEventLoopsFormOneValidChain() throws Exception {
    int contexts = 4;
    int tasks = 125; // per context, 10 appends each: interleaved the way requests on an event loop are
    int perTask = 10;
    List<Future<Void>> all = new ArrayList<>();
    AtomicInteger onWrongContext = new AtomicInteger();
    for (int c = 0; c < contexts; c++) {
      Context context = newEventLoopContext();
      for (int t = 0; t < tasks; t++) {
        Promise<Void> done = Promise.promise();
        int base = (c * tasks + t) * perTask;
        context.runOnContext(v -> {
          List<Future<Void>> appends = new ArrayList<>();
          for (int i = 0; i < perTask; i++) {
            appends.add(node.node().auditTrail().append(AuditFixtures.read("p" + (i % 50), "req-" + (base + i)))
                .onComplete(r -> {
                  if (node.node().vertx().getOrCreateContext() != context) {
                    onWrongContext.incrementAndGet();
                  }
                }));
          }
          Future.all(appends).<Void>mapEmpty().onComplete(done);
        });
        all.add(done.future());
      }
    }
    Future.all(all).await(60, TimeUnit.SECONDS);

    assertEquals(0, onWrongContext.get(), "every append completes on its caller's context");
    assertEquals(5000, AuditFixtures.count(node.node().postgres(), "SELECT count(*) FROM audit_event"));
    assertEquals(5000, AuditFixtures.count(node.node().postgres(), "SELECT max(seq) FROM audit_event"));
    assertEquals(5000, AuditFixtures.count(node.node().postgres(),
        "SELECT count(DISTINCT substring(entry from '\"req-[0-9]+\"')) FROM audit_event"), "each record once");
    assertTrue(AuditFixtures.count(node.node().postgres(), "SELECT count(DISTINCT recorded) FROM audit_event") >= 1);
    JsonObject verified = AuditFixtures.verify(node);
    assertEquals(true, verified.getBoolean("ok"), verified.encode());
    assertEquals(5000, verified.getLong("records"));

    // verification pages through the table: a record missing at a page boundary is still the one named
    AuditFixtures.tamper(node, "DELETE FROM audit_event WHERE seq = 1001");
    JsonObject tampered = AuditFixtures.verify(node);
    assertEquals("DELETED", tampered.getString("kind"), tampered.encode());
    assertEquals(1001, tampered.getLong("firstBadSequence"));
    assertEquals(1000, tampered.getLong("records"));
  }

  @Test
  void checkpointsAreSignedWithTheNodesKeyAndVerify() throws Exception {
    AuditFixtures.append(node, 30, "cp");
    AuditCheckpoint checkpoint = node.node().auditTrail().checkpoint().await(10, TimeUnit.SECONDS);
    assertNotNull(checkpoint);
    assertEquals(30, checkpoint.seq());
    assertNull(node.node().auditTrail().checkpoint().await(10, TimeUnit.SECONDS), "no new checkpoint without new records");

    Path keyDir = node.node().config().node().dataDir().resolve("audit");
    String publicHex = Files.readString(keyDir.resolve(AuditKeys.PUBLIC_FILE)).strip();
    assertArrayEquals(HexFormat.of().parseHex(publicHex), checkpoint.publicKey());
    assertTrue(AuditKeys.verify(checkpoint.publicKey(), checkpoint.payload(), checkpoint.signature()));
    assertEquals(Set.of(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE),
        Files.getPosixFilePermissions(keyDir.resolve(AuditKeys.PRIVATE_FILE)));
    assertEquals(PosixFilePermissions.fromString("rwx------"), Files.getPosixFilePermissions(keyDir));

    try (Connection c = AuditFixtures.jdbc(node.node().postgres()); Statement s = c.createStatement();
        ResultSet row = s.executeQuery("SELECT hash, public_key, signature FROM audit_checkpoint WHERE seq = 30")) {
      assertTrue(row.next());
      assertArrayEquals(checkpoint.hash(), row.getBytes("hash"));
      assertArrayEquals(checkpoint.publicKey(), row.getBytes("public_key"));
      assertArrayEquals(checkpoint.signature(), row.getBytes("signature"));
    }
    AuditFixtures.append(node, 5, "cp2");
    node.node().auditTrail().checkpoint().await(10, TimeUnit.SECONDS);
    JsonObject verified = AuditFixtures.verify(node);
    assertEquals(true, verified.getBoolean("ok"), verified.encode());
    assertEquals(35, verified.getLong("records"));
    assertEquals(2, verified.getLong("checkpoints"));
  }

  @Test
  void aSearchQueryIsStoredBase64AsFhirRequires() throws Exception {
    AuditRecord search = new AuditRecord(AuditCodes.REST, AuditCodes.interaction("search-type"), AuditRecord.Action.E,
        java.time.Instant.now(), AuditRecord.Outcome.SUCCESS, null,
        List.of(new AuditRecord.Agent(AuditCodes.AGENT_APPLICATION, "client-7", null, true, null)), "test-node",
        List.of(AuditRecord.Entity.query("Observation?code=1234-5"), AuditRecord.Entity.patient("a"),
            AuditRecord.Entity.patient("b")), null);
    node.node().auditTrail().append(search).await(10, TimeUnit.SECONDS);
    try (Connection c = AuditFixtures.jdbc(node.node().postgres()); Statement s = c.createStatement();
        ResultSet row = s.executeQuery("SELECT entry, patients FROM audit_event")) {
      assertTrue(row.next());
      JsonObject event = new JsonObject(row.getString("entry")).getJsonObject("event");
      String query = event.getJsonArray("entity").getJsonObject(0).getString("query");
      assertEquals("Observation?code=1234-5", new String(Base64.getDecoder().decode(query)));
      assertArrayEquals(new String[] {"a", "b"}, (Object[]) row.getArray("patients").getArray());
    }
  }

  private static Context newEventLoopContext() {
    Map<String, Context> holder = new ConcurrentHashMap<>();
    Thread thread = new Thread(() -> holder.put("c", node.node().vertx().getOrCreateContext()));
    thread.start();
    try {
      thread.join();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
    return holder.get("c");
  }
}
