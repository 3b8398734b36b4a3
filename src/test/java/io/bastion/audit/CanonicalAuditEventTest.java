package io.bastion.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bastion.audit.AuditRecord.Action;
import io.bastion.audit.AuditRecord.Agent;
import io.bastion.audit.AuditRecord.Coding;
import io.bastion.audit.AuditRecord.Entity;
import io.bastion.audit.AuditRecord.Outcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-ordered writer must produce exactly the canonical text of the record's AuditEvent tree. */
class CanonicalAuditEventTest {

  private static final String[] TEXTS = {"a", "Zoë \"quoted\"\n\ttab", "Patient/123", "ключ", "\u0001\u001f", "</script>",
      "user@example.org", ""};

  @Test
  void everyShapeOfRecordEncodesAsTheCanonicalTree() {
    Random random = new Random(20261204);
    for (int i = 0; i < 5_000; i++) {
      AuditRecord record = randomRecord(random);
      assertEquals(CanonicalJson.encode(record.toAuditEvent()), CanonicalAuditEvent.encode(record), record.toString());
    }
  }

  @Test
  void aTypicalReadIsUnchanged() {
    AuditRecord record = new AuditRecord(AuditCodes.REST, AuditCodes.interaction("read"), Action.R,
        Instant.parse("2026-12-04T21:43:11.059Z"), Outcome.SUCCESS, null,
        List.of(new Agent(AuditCodes.AGENT_USER, "anonymous", null, true, "127.0.0.1")), "vm",
        List.of(Entity.patient("p1"), Entity.resource("Observation/o1")), "req-1");
    assertEquals(CanonicalJson.encode(record.toAuditEvent()), CanonicalAuditEvent.encode(record));
    // the second time every coding's text comes from the cache
    assertEquals(CanonicalJson.encode(record.toAuditEvent()), CanonicalAuditEvent.encode(record));
  }

  private static AuditRecord randomRecord(Random random) {
    List<Agent> agents = new ArrayList<>();
    for (int n = random.nextInt(3); n > 0; n--) {
      agents.add(new Agent(random.nextBoolean() ? coding(random) : null, text(random), maybe(random),
          random.nextBoolean(), maybe(random)));
    }
    List<Entity> entities = new ArrayList<>();
    for (int n = random.nextInt(4); n > 0; n--) {
      entities.add(switch (random.nextInt(4)) {
        case 0 -> Entity.patient(text(random));
        case 1 -> Entity.resource(text(random));
        case 2 -> Entity.query(text(random));
        default -> new Entity(maybe(random), random.nextBoolean() ? coding(random) : null,
            random.nextBoolean() ? coding(random) : null, maybe(random));
      });
    }
    Outcome[] outcomes = Outcome.values();
    Action[] actions = Action.values();
    return new AuditRecord(coding(random), random.nextBoolean() ? coding(random) : null,
        actions[random.nextInt(actions.length)], Instant.ofEpochMilli(random.nextLong(0, 4_000_000_000_000L)),
        outcomes[random.nextInt(outcomes.length)], maybe(random), agents, text(random), entities, maybe(random));
  }

  private static Coding coding(Random random) {
    return new Coding(maybe(random), maybe(random), maybe(random));
  }

  private static String maybe(Random random) {
    return random.nextInt(3) == 0 ? null : text(random);
  }

  private static String text(Random random) {
    return TEXTS[random.nextInt(TEXTS.length)];
  }
}
