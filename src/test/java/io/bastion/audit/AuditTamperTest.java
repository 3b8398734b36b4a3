package io.bastion.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.testsupport.TestNode;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Someone with write access to the database changes the chain with plain SQL; verification names the
 * first bad sequence and the kind of tampering. Each case starts from 20 records with checkpoints at 5
 * and 20.
 */
class AuditTamperTest {

  private static final String RECHAIN_FROM_7 = """
      DO $$
      DECLARE r RECORD; prev BYTEA;
      BEGIN
        SELECT hash INTO prev FROM audit_event WHERE seq = 6;
        FOR r IN SELECT seq, entry FROM audit_event WHERE seq >= 7 ORDER BY seq LOOP
          UPDATE audit_event SET prev_hash = prev, hash = sha256(prev || convert_to(r.entry, 'UTF8'))
           WHERE seq = r.seq RETURNING hash INTO prev;
        END LOOP;
      END $$""";
  private static final String MODIFY_7 =
      "UPDATE audit_event SET entry = replace(entry, '\"action\":\"R\"', '\"action\":\"D\"') WHERE seq = 7";
  private static final String SHIFT_UP_FROM_7 = "UPDATE audit_event SET seq = seq + 1000 WHERE seq >= 7";
  private static final String SHIFT_BACK = "UPDATE audit_event SET seq = seq - 999 WHERE seq > 1000";
  private static final String FORGED_ENTRY = "{\"event\":{\"action\":\"R\",\"resourceType\":\"AuditEvent\"},\"seq\":7}";

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
  void twentyRecordsWithTwoCheckpoints() throws Exception {
    AuditFixtures.tamper(node, "TRUNCATE audit_event, audit_checkpoint");
    AuditFixtures.append(node, 5, "a");
    assertNotNull(node.node().auditTrail().checkpoint().await(10, TimeUnit.SECONDS));
    AuditFixtures.append(node, 15, "b");
    assertNotNull(node.node().auditTrail().checkpoint().await(10, TimeUnit.SECONDS));
    JsonObject clean = AuditFixtures.verify(node);
    assertEquals(true, clean.getBoolean("ok"), clean.encode());
    assertEquals(20, clean.getLong("records"));
    assertEquals(2, clean.getLong("checkpoints"));
  }

  @Test
  void aModifiedRecordIsNamed() {
    AuditFixtures.tamper(node, MODIFY_7);
    assertBad(7, "MODIFIED");
  }

  @Test
  void aModifiedRecordWhoseHashWasRecomputedIsNamed() {
    AuditFixtures.tamper(node, MODIFY_7,
        "UPDATE audit_event SET hash = sha256(prev_hash || convert_to(entry, 'UTF8')) WHERE seq = 7");
    assertBad(7, "MODIFIED");
  }

  @Test
  void aDeletedRecordLeavesAGapThatIsNamed() {
    AuditFixtures.tamper(node, "DELETE FROM audit_event WHERE seq = 7");
    assertBad(7, "DELETED");
  }

  @Test
  void aDeletedRecordIsNamedEvenWhenTheRestWereRenumbered() {
    AuditFixtures.tamper(node, "DELETE FROM audit_event WHERE seq = 7",
        "UPDATE audit_event SET seq = seq + 1000 WHERE seq > 7", "UPDATE audit_event SET seq = seq - 1001 WHERE seq > 1000");
    assertBad(7, "DELETED");
  }

  @Test
  void anInsertedRecordWithAValidHashIsNamed() {
    AuditFixtures.tamper(node, SHIFT_UP_FROM_7, SHIFT_BACK,
        "INSERT INTO audit_event (seq, recorded, prev_hash, hash, entry) SELECT 7, now(), hash, "
            + "sha256(hash || convert_to('" + FORGED_ENTRY + "', 'UTF8')), '" + FORGED_ENTRY + "' FROM audit_event WHERE seq = 6");
    assertBad(7, "INSERTED");
  }

  @Test
  void anInsertedRecordWithoutAValidHashIsNamed() {
    AuditFixtures.tamper(node, SHIFT_UP_FROM_7, SHIFT_BACK,
        "INSERT INTO audit_event (seq, recorded, prev_hash, hash, entry) SELECT 7, now(), hash, "
            + "sha256('forged'::bytea), '" + FORGED_ENTRY + "' FROM audit_event WHERE seq = 6");
    assertBad(7, "INSERTED");
  }

  @Test
  void reorderedRecordsAreNamed() {
    AuditFixtures.tamper(node, "UPDATE audit_event SET seq = 1007 WHERE seq = 7",
        "UPDATE audit_event SET seq = 7 WHERE seq = 8", "UPDATE audit_event SET seq = 8 WHERE seq = 1007");
    assertBad(7, "REORDERED");
  }

  @Test
  void aTailTruncatedBeforeTheLastCheckpointIsNamed() {
    AuditFixtures.tamper(node, "DELETE FROM audit_event WHERE seq > 15");
    JsonObject result = assertBad(16, "TRUNCATED");
    assertEquals(15, result.getLong("records"));
  }

  @Test
  void aChainRecomputedAfterAChangeFailsAgainstTheSignedCheckpoint() {
    AuditFixtures.tamper(node, MODIFY_7, RECHAIN_FROM_7);
    JsonObject result = assertBad(6, "CHECKPOINT_MISMATCH");
    assertEquals(1, result.getLong("checkpoints"), "the checkpoint at 5 still verifies");
  }

  @Test
  void aCheckpointWithAChangedClaimIsForged() {
    AuditFixtures.tamper(node,
        "UPDATE audit_checkpoint SET seq = 19, hash = (SELECT hash FROM audit_event WHERE seq = 19) WHERE seq = 20");
    assertBad(19, "CHECKPOINT_FORGED");
  }

  @Test
  void aCheckpointSignedWithTheAttackersOwnKeyIsForged() {
    Ed25519PrivateKeyParameters attacker = new Ed25519PrivateKeyParameters(new SecureRandom());
    byte[] hash = HexFormat.of().parseHex("00".repeat(32));
    Instant at = Instant.parse("2026-12-04T12:00:00Z");
    byte[] payload = AuditCheckpoint.payload(20, hash, "test-node", at);
    Ed25519Signer signer = new Ed25519Signer();
    signer.init(true, attacker);
    signer.update(payload, 0, payload.length);
    String signature = HexFormat.of().formatHex(signer.generateSignature());
    String publicKey = HexFormat.of().formatHex(attacker.generatePublicKey().getEncoded());
    // a valid signature over a made-up claim, by a key that is stored right beside it
    AuditFixtures.tamper(node, "DELETE FROM audit_checkpoint WHERE seq = 20",
        "INSERT INTO audit_checkpoint (seq, hash, node, signed_at, public_key, signature) VALUES (20, '\\x"
            + "00".repeat(32) + "', 'test-node', '2026-12-04T12:00:00Z', '\\x" + publicKey + "', '\\x" + signature + "')");
    JsonObject result = assertBad(20, "CHECKPOINT_FORGED");
    assertTrue(result.getString("problem").contains("does not trust"), result.encode());
  }

  private static JsonObject assertBad(long firstBad, String kind) {
    JsonObject result = AuditFixtures.verify(node);
    assertEquals(false, result.getBoolean("ok"), result.encode());
    assertEquals(kind, result.getString("kind"), result.encode());
    assertEquals(firstBad, result.getLong("firstBadSequence"), result.encode());
    assertNotNull(result.getString("problem"));
    return result;
  }
}
