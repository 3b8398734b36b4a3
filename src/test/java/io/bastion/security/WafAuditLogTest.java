package io.bastion.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The audit log's bounded queue: a full queue drops and counts instead of blocking; the writer appends lines. */
class WafAuditLogTest {

  @Test
  void aFullQueueDropsAndCountsThenTheWriterAppendsWhatWasQueued() throws Exception {
    Path file = Files.createTempDirectory("waf-audit").resolve("nested/waf.jsonl");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    WafAuditLog log = WafAuditLog.openIdle(file, 2, registry);
    assertTrue(log.offer(new JsonObject().put("n", 1)));
    assertTrue(log.offer(new JsonObject().put("n", 2)));
    assertFalse(log.offer(new JsonObject().put("n", 3)), "full: dropped, never waited for");
    assertEquals(1, log.droppedCount());
    assertEquals(1.0, registry.get("bastion.waf.audit.dropped").counter().count());
    log.startWriter();
    log.close();
    assertEquals(List.of("{\"n\":1}", "{\"n\":2}"), Files.readAllLines(file));
    assertEquals(2.0, registry.get("bastion.waf.audit.written").counter().count());

    WafAuditLog again = WafAuditLog.open(file, registry);
    again.offer(new JsonObject().put("n", 4));
    again.close();
    assertEquals(3, Files.readAllLines(file).size(), "appends, never truncates");
  }
}
