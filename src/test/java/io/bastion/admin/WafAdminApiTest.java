package io.bastion.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.testsupport.TestClock;
import io.bastion.testsupport.TestNode;
import io.vertx.core.http.HttpMethod;
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
import org.junit.jupiter.api.Test;

/** The Security → WAF admin API: roles, CSRF, problem+json failures, and the signed-in user as the audited actor. */
class WafAdminApiTest {

  private static final String PASSWORD = "officer-password-0123";
  private static TestNode node;
  private static AdminHttp http;
  private static AdminHttp.Session officer;
  private static AdminHttp.Session viewer;

  @BeforeAll
  static void start() throws Exception {
    Path rules = Files.createTempDirectory("waf-api").resolve("rules.conf");
    Files.writeString(rules, "SecRule ARGS \"@contains evil\" \"id:1001,phase:1,deny,log\"\n");
    TestClock clock = new TestClock();
    node = TestNode.start(Map.of("waf.mode", "detection-only", "waf.rules", rules.toString()), clock);
    http = new AdminHttp(node, clock);
    AdminHttp.Session admin = http.signIn("admin", TestNode.ADMIN_PASSWORD, new AdminHttp.Authenticator());
    http.createUser(admin, "officer", PASSWORD, "security-officer");
    http.createUser(admin, "watcher", PASSWORD, "viewer");
    officer = http.signIn("officer", PASSWORD, new AdminHttp.Authenticator());
    viewer = http.signIn("watcher", PASSWORD, new AdminHttp.Authenticator());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void securityOfficerOperatesTheWafViewerCannotSeeIt() throws Exception {
    assertEquals(403, http.send(HttpMethod.GET, "/admin/api/waf", viewer, null).statusCode());
    assertEquals(403, http.send(HttpMethod.POST, "/admin/api/waf/mode", viewer, new JsonObject().put("mode", "off"))
        .statusCode());
    var status = http.send(HttpMethod.GET, "/admin/api/waf", officer, null);
    assertEquals(200, status.statusCode(), status.bodyAsString());
    assertEquals("detection-only", status.bodyAsJsonObject().getJsonObject("waf").getString("mode"));

    // no CSRF token: refused before it reaches the WAF
    var forged = node.send(HttpMethod.POST, "/admin/api/waf/mode", Map.of("Cookie", officer.cookie,
        "Content-Type", "application/json"), new JsonObject().put("mode", "off").toBuffer());
    assertEquals(403, forged.statusCode());
    assertEquals("detection-only", http.send(HttpMethod.GET, "/admin/api/waf", officer, null).bodyAsJsonObject()
        .getJsonObject("waf").getString("mode"));

    var on = http.send(HttpMethod.POST, "/admin/api/waf/mode", officer, new JsonObject().put("mode", "on"));
    assertEquals(200, on.statusCode(), on.bodyAsString());
    assertEquals(403, node.get("/fhir/metadata?q=evil").statusCode());
    var bad = http.send(HttpMethod.POST, "/admin/api/waf/mode", officer, new JsonObject().put("mode", "loud"));
    assertEquals(400, bad.statusCode());
    assertEquals("application/problem+json", bad.getHeader("Content-Type"));

    var unknown = http.send(HttpMethod.POST, "/admin/api/waf/rules/4242/disable", officer, new JsonObject());
    assertEquals(404, unknown.statusCode());
    assertTrue(unknown.bodyAsJsonObject().getString("detail").contains("no rule 4242"), unknown.bodyAsString());
    assertEquals(200, http.send(HttpMethod.POST, "/admin/api/waf/rules/1001/disable", officer, new JsonObject()).statusCode());
    assertEquals(200, node.get("/fhir/metadata?q=evil").statusCode());
    assertEquals(200, http.send(HttpMethod.POST, "/admin/api/waf/rules/1001/enable", officer, new JsonObject()).statusCode());
    var reload = http.send(HttpMethod.POST, "/admin/api/waf/reload", officer, new JsonObject());
    assertEquals(200, reload.statusCode(), reload.bodyAsString());
    assertEquals(1, reload.bodyAsJsonObject().getInteger("ruleCount"));

    List<String> changes = new ArrayList<>();
    for (Row row : node.node().pool().preparedQuery("SELECT entry FROM audit_event WHERE agent = $1 AND entry LIKE $2 "
        + "ORDER BY seq").execute(Tuple.of("officer", "%\"code\":\"waf.%")).await()) {
      JsonObject event = new JsonObject(row.getString("entry")).getJsonObject("event");
      JsonObject agent = event.getJsonArray("agent").getJsonObject(0);
      assertEquals("security-officer", agent.getJsonArray("role").getJsonObject(0).getString("text"));
      changes.add(event.getJsonArray("subtype").getJsonObject(0).getString("code"));
    }
    assertEquals(List.of("waf.mode", "waf.rule-disable", "waf.rule-enable", "waf.rules-reload"), changes);
  }
}
