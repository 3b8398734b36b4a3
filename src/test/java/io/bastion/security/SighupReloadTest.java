package io.bastion.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.Node;
import io.bastion.testsupport.TestNode;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SIGHUP to the process of a node started as `bastion serve` starts it ({@code Node.start(config)}) reloads
 * the WAF rules. Sent to this test JVM: if the handler were missing, SIGHUP's default action would end the
 * JVM and the run would fail loudly.
 */
class SighupReloadTest {

  @Test
  void sighupReloadsTheRules() throws Exception {
    Path rules = Files.createTempDirectory("sighup").resolve("rules.conf");
    Files.writeString(rules, "SecRule ARGS \"@contains evil\" \"id:1001,phase:1,deny,log\"\n");
    Node node = Node.start(TestNode.config(Map.of("waf.mode", "on", "waf.rules", rules.toString()))).await(60, TimeUnit.SECONDS);
    try {
      assertEquals(1, waf(node).getInteger("ruleCount"));
      Files.writeString(rules, "SecRule ARGS \"@contains evil\" \"id:1001,phase:1,deny,log\"\n"
          + "SecRule ARGS \"@contains bad\" \"id:1002,phase:1,deny,log\"\n");
      Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(ProcessHandle.current().pid())).start();
      assertEquals(0, kill.waitFor());
      long deadline = System.currentTimeMillis() + 30_000;
      while (waf(node).getInteger("ruleCount") != 2 && System.currentTimeMillis() < deadline) {
        Thread.sleep(100);
      }
      assertEquals(2, waf(node).getInteger("ruleCount"));
      assertTrue(waf(node).getJsonObject("lastReload").getBoolean("ok"));
    } finally {
      node.stop().await(60, TimeUnit.SECONDS);
    }
  }

  private static JsonObject waf(Node node) {
    return node.vertx().eventBus().<JsonObject>request(SecurityAddresses.STATUS, new JsonObject()).await().body()
        .getJsonObject("waf");
  }
}
