package io.bastion.cli;

import static io.bastion.cli.CtlRun.ctl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.admin.AdminHttp;
import io.bastion.testsupport.FreePort;
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

/** `bastion ctl waf status|reload|mode|disable-rule` in-process against a real node and its ctl bridge. */
class CtlWafTest {

  private static final String BOOTSTRAP = "ctl-waf-bootstrap-token-0123456789";
  private static final String RULES = "SecRule ARGS \"@contains evil\" \"id:1001,phase:1,deny,log,tag:'attack-test'\"\n"
      + "SecRule ARGS \"@contains bad\" \"id:1002,phase:1,deny,log\"\n";
  private static TestNode node;
  private static Path rules;
  private static int ctlPort;
  private static AdminHttp http;
  private static AdminHttp.Session admin;

  @BeforeAll
  static void start() throws Exception {
    rules = Files.createTempDirectory("ctl-waf").resolve("rules.conf");
    Files.writeString(rules, RULES);
    ctlPort = FreePort.next();
    TestClock clock = new TestClock();
    node = TestNode.start(Map.of("ctl.token", BOOTSTRAP, "ctl.port", String.valueOf(ctlPort), "waf.mode", "off",
        "waf.rules", rules.toString()), clock);
    http = new AdminHttp(node, clock);
    admin = http.signIn("admin", TestNode.ADMIN_PASSWORD, new AdminHttp.Authenticator());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static CtlRun waf(String token, String... args) {
    List<String> all = new ArrayList<>(List.of("waf"));
    all.addAll(List.of(args));
    all.addAll(List.of("--port", String.valueOf(ctlPort), "--token", token));
    return ctl(all.toArray(String[]::new));
  }

  private static String token(String role) {
    var created = http.send(HttpMethod.POST, "/admin/api/ctl-tokens", admin,
        new JsonObject().put("name", role + "-waf").put("role", role).put("expiresInDays", 1));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return created.bodyAsJsonObject().getString("token");
  }

  @Test
  void operatesTheWafAndAuditsWhoDidIt() throws Exception {
    CtlRun on = waf(BOOTSTRAP, "mode", "on");
    assertEquals(0, on.exit(), on.err());
    assertEquals("mode: on (was off)", on.out().trim());
    assertEquals(403, node.get("/fhir/metadata?q=evil").statusCode());

    CtlRun disabled = waf(BOOTSTRAP, "disable-rule", "1001");
    assertEquals(0, disabled.exit(), disabled.err());
    assertTrue(disabled.out().startsWith("rule 1001 disabled; disabled now: [1001]"), disabled.out());
    assertEquals(200, node.get("/fhir/metadata?q=evil").statusCode());
    assertEquals(403, node.get("/fhir/metadata?q=bad").statusCode());

    CtlRun status = poll(() -> {
      CtlRun s = waf(BOOTSTRAP, "status");
      return s.out().contains("top rules    1001 (1), 1002 (1)") ? s : null;
    });
    assertEquals(0, status.exit(), status.err());
    assertTrue(status.out().contains("mode         on"), status.out());
    assertTrue(status.out().contains("rules        2, loaded "), status.out());
    assertTrue(status.out().contains("  " + rules), status.out());
    assertTrue(status.out().contains("disabled     1001"), status.out());
    assertTrue(status.out().matches("(?s).*blocks       [12] in the last minute, [12] in the last hour.*"), status.out());

    Files.writeString(rules, RULES + "SecRule ARGS \"@noSuchOperator x\" \"id:1003,phase:1,deny\"\n");
    CtlRun broken = waf(BOOTSTRAP, "reload");
    assertEquals(1, broken.exit(), broken.out());
    assertTrue(broken.err().contains("rules.conf:3"), broken.err());
    Files.writeString(rules, RULES + "SecRule ARGS \"@contains ugly\" \"id:1003,phase:1,deny\"\n");
    CtlRun reloaded = waf(BOOTSTRAP, "reload");
    assertEquals(0, reloaded.exit(), reloaded.err());
    assertTrue(reloaded.out().startsWith("reloaded: 3 rules in "), reloaded.out());

    CtlRun enabled = waf(BOOTSTRAP, "disable-rule", "1001", "--enable");
    assertEquals(0, enabled.exit(), enabled.err());
    assertEquals(403, node.get("/fhir/metadata?q=evil").statusCode());

    // security-officer may operate it, ops may not even read it
    String officer = token("security-officer");
    CtlRun detection = waf(officer, "mode", "detection-only");
    assertEquals(0, detection.exit(), detection.err());
    assertEquals(200, node.get("/fhir/metadata?q=evil").statusCode());
    assertEquals(4, waf(token("ops"), "status").exit());
    assertEquals(2, waf(BOOTSTRAP, "mode", "loud").exit());

    List<String> agents = new ArrayList<>();
    for (Row row : node.node().pool().preparedQuery("SELECT agent FROM audit_event WHERE entry LIKE $1 ORDER BY seq")
        .execute(Tuple.of("%\"code\":\"waf.%")).await()) {
      agents.add(row.getString("agent"));
    }
    assertEquals(List.of("ctl:bootstrap", "ctl:bootstrap", "ctl:bootstrap", "ctl:bootstrap", "ctl:bootstrap",
        "ctl:security-officer-waf"), agents);
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
      Thread.sleep(100);
    }
    throw new AssertionError("not seen within 10 s");
  }
}
