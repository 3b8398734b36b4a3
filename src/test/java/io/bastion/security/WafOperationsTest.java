package io.bastion.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.testsupport.TestNode;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Operating the WAF over the bus on a real node: mode switch, disabling rules, hot reload (a broken file
 * keeps the running set), all audited and all surviving each other; blocks aggregated for the status.
 * Rules are written here (not the defaults), so the test does not depend on waf.rules or waf.mode defaults.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WafOperationsTest {

  private static final String RULES = "SecRule ARGS \"@contains evil\" \"id:1001,phase:1,deny,log,"
      + "msg:'evil found in %{MATCHED_VAR_NAME}',tag:'attack-test'\"\n"
      + "SecRule ARGS \"@contains bad\" \"id:1002,phase:1,deny,log,tag:'attack-other'\"\n";
  private static TestNode node;
  private static Path rules;

  @BeforeAll
  static void start() throws Exception {
    rules = Files.createTempDirectory("waf-ops").resolve("rules.conf");
    Files.writeString(rules, RULES);
    node = TestNode.start(Map.of("waf.mode", "off", "waf.rules", rules.toString(), "waf.audit-log", "audit/waf.jsonl"));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static JsonObject send(String address, JsonObject body) {
    DeliveryOptions actor = new DeliveryOptions().addHeader(SecurityAddresses.ACTOR_HEADER, "ops-tester")
        .addHeader(SecurityAddresses.ACTOR_ROLE_HEADER, "security-officer");
    return node.node().vertx().eventBus().<JsonObject>request(address, body, actor).await().body();
  }

  private static ReplyException refused(String address, JsonObject body) {
    try {
      send(address, body);
    } catch (ReplyException e) {
      return e;
    }
    throw new AssertionError("expected a failure reply from " + address);
  }

  private static int status(String query) {
    return node.get("/fhir/metadata?" + query).statusCode();
  }

  private static JsonObject waf() {
    return send(SecurityAddresses.STATUS, new JsonObject()).getJsonObject("waf");
  }

  @Test
  @Order(1)
  void modeDisableAndReloadComposeAndAreAudited() throws Exception {
    // configured off, but the rules are loaded: switching on needs no restart
    assertEquals("off", waf().getString("mode"));
    assertEquals(200, status("q=evil"));
    var created = node.send(io.vertx.core.http.HttpMethod.POST, "/fhir/Patient", Map.of("Content-Type",
        "application/fhir+json"), io.vertx.core.buffer.Buffer.buffer("{\"resourceType\":\"Patient\",\"active\":true}"));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    String metrics = node.get("/metrics").bodyAsString();
    for (String outcome : List.of("pass", "detected", "blocked")) {
      assertTrue(metrics.contains("bastion_waf_requests_total{outcome=\"" + outcome + "\"} 0.0"), "off: nothing evaluated");
    }
    assertEquals("on", send(SecurityAddresses.WAF_MODE, new JsonObject().put("mode", "on")).getString("mode"));
    assertEquals(403, status("q=evil-secret-4711"));
    assertEquals(403, status("q=bad"));

    send(SecurityAddresses.RULES_DISABLE, new JsonObject().put("id", 1001).put("disabled", true));
    assertEquals(200, status("q=evil"), "a disabled rule no longer blocks");
    assertEquals(403, status("q=bad"), "the others still do");
    assertEquals(List.of(1001), waf().getJsonArray("disabledRules").getList());

    // a broken file: every error as file:line, and the running set (mode, disabled rule) stays
    Files.writeString(rules, RULES + "SecRule ARGS \"@noSuchOperator x\" \"id:1003,phase:1,deny\"\n"
        + "SecRule ARGS \"@rx y\" \"id:1004,phase:1,nosuchaction\"\n");
    ReplyException broken = refused(SecurityAddresses.RULES_RELOAD, new JsonObject());
    assertEquals(SecurityAddresses.RULES_INVALID, broken.failureCode());
    assertTrue(broken.getMessage().contains("rules.conf:3"), broken.getMessage());
    assertTrue(broken.getMessage().contains("rules.conf:4"), broken.getMessage());
    assertEquals(2, waf().getInteger("ruleCount"));
    assertFalse(waf().getJsonObject("lastReload").getBoolean("ok"));
    assertEquals(403, status("q=bad"));

    // a good file: swapped in, keeping mode and disabled rules
    Files.writeString(rules, RULES + "SecRule ARGS \"@contains ugly\" \"id:1003,phase:1,deny,log\"\n");
    assertEquals(3, send(SecurityAddresses.RULES_RELOAD, new JsonObject()).getInteger("ruleCount"));
    assertEquals(403, status("q=ugly"));
    assertEquals(200, status("q=evil"), "still disabled after the reload");
    assertEquals("on", waf().getString("mode"));

    send(SecurityAddresses.RULES_DISABLE, new JsonObject().put("id", 1001).put("disabled", false));
    assertEquals(403, status("q=evil"));
    send(SecurityAddresses.WAF_MODE, new JsonObject().put("mode", "detection-only"));
    assertEquals(200, status("q=evil"));
    assertEquals(200, status("q=ugly"));

    List<String> actions = new ArrayList<>();
    for (Row row : node.node().pool().preparedQuery("SELECT entry FROM audit_event WHERE agent = $1 ORDER BY seq")
        .execute(Tuple.of("ops-tester")).await()) {
      JsonObject event = new JsonObject(row.getString("entry")).getJsonObject("event");
      JsonObject subtype = event.getJsonArray("subtype").getJsonObject(0);
      assertEquals("urn:bastion:admin-action", subtype.getString("system"));
      actions.add(subtype.getString("code") + " " + event.getJsonArray("entity").getJsonObject(0).getJsonObject("what")
          .getString("reference") + " [" + event.getString("outcome") + "]");
    }
    assertEquals(List.of("waf.mode waf-mode/on [0]", "waf.rule-disable waf-rule/1001 [0]", "waf.rules-reload waf-rules [4]",
        "waf.rules-reload waf-rules [0]", "waf.rule-enable waf-rule/1001 [0]", "waf.mode waf-mode/detection-only [0]"),
        actions);
  }

  @Test
  void badCommandsAreRefusedWithAReason() {
    assertEquals(SecurityAddresses.BAD_REQUEST, refused(SecurityAddresses.WAF_MODE, new JsonObject().put("mode", "loud"))
        .failureCode());
    assertEquals(SecurityAddresses.BAD_REQUEST, refused(SecurityAddresses.RULES_DISABLE, new JsonObject().put("id", "x"))
        .failureCode());
    assertEquals(SecurityAddresses.NOT_FOUND, refused(SecurityAddresses.RULES_DISABLE,
        new JsonObject().put("id", 424242).put("disabled", true)).failureCode());
    assertEquals(SecurityAddresses.NOT_FOUND, refused(SecurityAddresses.RULES_DISABLE,
        new JsonObject().put("id", 1002).put("disabled", false)).failureCode());
  }

  @Test
  void blocksAreCountedAndWrittenRedactedToTheAuditLog() throws Exception {
    send(SecurityAddresses.WAF_MODE, new JsonObject().put("mode", "on"));
    long before = send(SecurityAddresses.STATUS, new JsonObject()).getJsonObject("activity").getLong("blocksLastHour");
    var blocked = node.send(io.vertx.core.http.HttpMethod.GET, "/fhir/metadata?name=x&q=bad-secret-9931",
        Map.of("Cookie", "session=cookie-secret-5521", "User-Agent", "waf-ops-test"), null);
    assertEquals(403, blocked.statusCode());
    String requestId = blocked.getHeader("X-Request-Id");

    JsonObject status = poll(() -> {
      JsonObject s = send(SecurityAddresses.STATUS, new JsonObject());
      return s.getJsonObject("activity").getLong("blocksLastHour") > before ? s : null;
    });
    JsonObject activity = status.getJsonObject("activity");
    assertTrue(activity.getInteger("blocksLastMinute") >= 1, activity.encode());
    assertEquals(60, activity.getJsonArray("perMinute").size());
    assertTrue(activity.getJsonArray("topRules").stream().anyMatch(r -> ((JsonObject) r).getInteger("id") == 1002));
    JsonObject recent = status.getJsonArray("recent").stream().map(JsonObject.class::cast)
        .filter(e -> requestId.equals(e.getString("requestId"))).findFirst().orElseThrow();
    assertEquals(new JsonArray().add("ARGS:q"), recent.getJsonArray("matchedVariables"));
    assertFalse(status.encode().contains("secret"), status.encode());

    Path log = node.node().config().node().dataDir().resolve("audit/waf.jsonl");
    JsonObject entry = poll(() -> {
      if (!Files.exists(log)) {
        return null;
      }
      return Files.readAllLines(log).stream().map(JsonObject::new)
          .filter(e -> requestId.equals(e.getJsonObject("A").getString("requestId"))).findFirst().orElse(null);
    });
    String text = entry.encode();
    assertFalse(text.contains("secret"), text);
    assertEquals("GET /fhir/metadata?name=[redacted]&q=[redacted] HTTP/1.1", entry.getJsonObject("B").getString("requestLine"));
    assertEquals("[redacted]", entry.getJsonObject("B").getJsonObject("headers").getString("Cookie"));
    assertEquals("waf-ops-test", entry.getJsonObject("B").getJsonObject("headers").getString("User-Agent"));
    assertEquals(403, entry.getJsonObject("F").getInteger("status"));
    JsonObject message = entry.getJsonObject("H").getJsonArray("messages").getJsonObject(0);
    assertEquals(1002, message.getInteger("id"));
    assertEquals(List.of("ARGS:q"), message.getJsonArray("variables").getList());
  }

  interface Probe<T> {
    T get() throws Exception;
  }

  private static <T> T poll(Probe<T> probe) throws Exception {
    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline) {
      T value = probe.get();
      if (value != null) {
        return value;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("not seen within 10 s");
  }
}
