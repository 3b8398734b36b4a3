package io.bastion.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.security.waf.WafCorpus;
import io.bastion.testsupport.TestNode;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Hot reload of the full OWASP CRS under traffic: every request during the reload is answered by one rule
 * set or the other (benign 200, attack 403, never a 5xx or a pass for the attack), and the event loops
 * are not blocked by the compile (TestNode fails the test otherwise). Prints the reload time.
 */
class WafCrsReloadTest {

  private static final String SQLI = URLEncoder.encode("1' UNION SELECT password FROM users WHERE '1'='1",
      StandardCharsets.UTF_8);

  @Test
  void reloadingTheCrsUnderTrafficSwapsWithoutAGap() throws Exception {
    Path crs = WafCorpus.crsDir();
    Map<String, String> settings = new HashMap<>();
    settings.put("waf.mode", "on");
    settings.put("waf.paranoia-level", "1");
    settings.put("waf.rules", String.join(",", crs.resolve("crs-setup.conf.example").toString(),
        "builtin:crs-fhir-before",
        crs.resolve("rules/*.conf").toString()));
    try (TestNode node = TestNode.startWithout(settings)) {
      int rulesBefore = status(node).getInteger("ruleCount");
      AtomicBoolean running = new AtomicBoolean(true);
      Map<Integer, AtomicInteger> benign = new ConcurrentHashMap<>();
      Map<Integer, AtomicInteger> attacks = new ConcurrentHashMap<>();
      Thread traffic = new Thread(() -> {
        while (running.get()) {
          benign.computeIfAbsent(node.get("/fhir/metadata?_summary=true").statusCode(), s -> new AtomicInteger())
              .incrementAndGet();
          attacks.computeIfAbsent(node.get("/fhir/Patient?name=" + SQLI).statusCode(), s -> new AtomicInteger())
              .incrementAndGet();
        }
      }, "reload-traffic");
      traffic.start();
      JsonObject reloaded;
      try {
        Thread.sleep(300);
        reloaded = node.node().vertx().eventBus().<JsonObject>request(SecurityAddresses.RULES_RELOAD, new JsonObject(),
            new DeliveryOptions().setSendTimeout(120_000)).await().body();
        Thread.sleep(300);
      } finally {
        running.set(false);
        traffic.join();
      }
      assertEquals(rulesBefore, reloaded.getInteger("ruleCount"));
      assertEquals(Map.of(200, benign.get(200).get()).toString(), toString(benign), "benign answers: " + benign);
      assertEquals(Map.of(403, attacks.get(403).get()).toString(), toString(attacks), "attack answers: " + attacks);
      assertTrue(benign.get(200).get() > 2, benign.toString());
      System.out.printf("CRS reload under traffic: %d rules compiled and swapped in %d ms; %d benign and %d attack "
          + "requests answered meanwhile%n", reloaded.getInteger("ruleCount"), reloaded.getLong("millis"),
          benign.get(200).get(), attacks.get(403).get());
      assertTrue(status(node).getString("loadedAt").compareTo(reloaded.getString("loadedAt")) == 0);
    }
  }

  private static String toString(Map<Integer, AtomicInteger> counts) {
    Map<Integer, Integer> plain = new java.util.TreeMap<>();
    counts.forEach((k, v) -> plain.put(k, v.get()));
    return plain.toString();
  }

  private static JsonObject status(TestNode node) {
    return node.node().vertx().eventBus().<JsonObject>request(SecurityAddresses.STATUS, new JsonObject()).await().body()
        .getJsonObject("waf");
  }
}
