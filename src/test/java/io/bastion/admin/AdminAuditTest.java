package io.bastion.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.testsupport.TestClock;
import io.bastion.testsupport.TestNode;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sign-ins, failed sign-ins, failed second factors, lock-outs and logouts are audited, and so are
 * administrators' changes to accounts and ctl tokens — without secrets.
 */
class AdminAuditTest {

  private static final String WRONG_PASSWORD = "wrong-password-Zq83kd91";
  private static TestNode node;
  private static TestClock clock;
  private static AdminHttp http;
  /** The admin's authenticator: enrolled at the first sign-in of whichever test runs first. */
  private static final AdminHttp.Authenticator PHONE = new AdminHttp.Authenticator();

  @BeforeAll
  static void start() {
    clock = new TestClock();
    node = TestNode.start(Map.of("admin.lockout-threshold", "3", "admin.lockout-ip-threshold", "50"), clock);
    http = new AdminHttp(node, clock);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  /** The stored entries of this agent's authentication events, oldest first. */
  private static List<String> entries(String agent) throws Exception {
    return entries(agent, "110114");
  }

  private static List<String> entries(String agent, String typeCode) throws Exception {
    var server = node.node().postgres();
    try (Connection c = DriverManager.getConnection(server.jdbcUrl(), server.options().getUser(),
        server.options().getPassword());
        PreparedStatement s = c.prepareStatement("SELECT entry FROM audit_event WHERE agent = ? "
            + "AND entry LIKE ? ORDER BY seq")) {
      s.setString(1, agent);
      s.setString(2, "%\"code\":\"" + typeCode + "\"%");
      List<String> out = new ArrayList<>();
      try (ResultSet rows = s.executeQuery()) {
        while (rows.next()) {
          out.add(rows.getString(1));
        }
      }
      return out;
    }
  }

  private static String summary(String entry) {
    JsonObject event = new JsonObject(entry).getJsonObject("event");
    return event.getJsonArray("subtype").getJsonObject(0).getString("display") + " " + event.getString("outcome");
  }

  @Test
  void signInFailureMfaFailureAndLogoutAreAuditedWithoutSecrets() throws Exception {
    int before = entries("admin").size(); // another test may have signed in first
    AdminHttp.Session failed = new AdminHttp.Session();
    assertEquals(401, http.password(failed, "admin", WRONG_PASSWORD).statusCode());
    AdminHttp.Session admin = http.signIn("admin", TestNode.ADMIN_PASSWORD, PHONE);
    assertEquals(204, http.send(HttpMethod.DELETE, "/admin/api/session", admin, null).statusCode());

    AdminHttp.Session half = new AdminHttp.Session();
    assertEquals(200, http.password(half, "admin", TestNode.ADMIN_PASSWORD).statusCode());
    assertEquals(401, http.send(HttpMethod.POST, "/admin/api/session/mfa", half,
        new JsonObject().put("code", "000000")).statusCode());

    List<String> all = entries("admin");
    List<String> entries = all.subList(before, all.size());
    assertEquals(List.of("Login 4", "Login 0", "Logout 0", "Login 4"), entries.stream().map(AdminAuditTest::summary)
        .toList(), entries.toString());
    assertTrue(entries.get(0).contains("unknown username or wrong password"), entries.get(0));
    assertTrue(entries.get(3).contains("wrong second factor"), entries.get(3));
    for (String entry : entries) {
      assertFalse(entry.contains(WRONG_PASSWORD), "no password in the audit trail");
      assertFalse(entry.contains(TestNode.ADMIN_PASSWORD), "no password in the audit trail");
      assertFalse(entry.contains("000000"), "no code in the audit trail");
    }
  }

  @Test
  void aLockOutIsAudited() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertEquals(401, http.password(new AdminHttp.Session(), "intruder", WRONG_PASSWORD + i).statusCode());
    }
    assertEquals(429, http.password(new AdminHttp.Session(), "intruder", WRONG_PASSWORD).statusCode());
    List<String> entries = entries("intruder");
    assertEquals(List.of("Login 4", "Login 4", "Login 4", "Login 8"), entries.stream().map(AdminAuditTest::summary)
        .toList());
    assertTrue(entries.get(3).contains("locked out"), entries.get(3));
    entries.forEach(entry -> assertFalse(entry.contains(WRONG_PASSWORD), entry));
  }

  @Test
  void accountAndTokenChangesAreAuditedWithTheActingAdministrator() throws Exception {
    AdminHttp.Session admin = http.signIn("admin", TestNode.ADMIN_PASSWORD, PHONE);
    String password = "another-Strong-pass-771";
    var created = http.send(HttpMethod.POST, "/admin/api/users", admin, new JsonObject().put("username", "auditee")
        .put("password", password).put("roles", new io.vertx.core.json.JsonArray().add("viewer")));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    long user = created.bodyAsJsonObject().getLong("id");
    assertEquals(200, http.send(HttpMethod.PUT, "/admin/api/users/" + user + "/roles", admin, new JsonObject()
        .put("roles", new io.vertx.core.json.JsonArray().add("ops"))).statusCode());
    assertEquals(200, http.send(HttpMethod.POST, "/admin/api/users/" + user + "/disable", admin, null).statusCode());
    var token = http.send(HttpMethod.POST, "/admin/api/ctl-tokens", admin, new JsonObject().put("name", "ci")
        .put("role", "viewer").put("expiresInDays", 1));
    assertEquals(201, token.statusCode(), token.bodyAsString());
    long tokenId = token.bodyAsJsonObject().getLong("id");
    assertEquals(200, http.send(HttpMethod.DELETE, "/admin/api/ctl-tokens/" + tokenId, admin, null).statusCode());

    List<String> entries = entries("admin", "110137");
    assertEquals(List.of("user.create admin-user/" + user, "user.roles admin-user/" + user,
        "user.disable admin-user/" + user, "ctl-token.create ctl-token/" + tokenId, "ctl-token.revoke ctl-token/" + tokenId),
        entries.stream().map(entry -> {
          JsonObject event = new JsonObject(entry);
          return event.getJsonObject("event").getJsonArray("subtype").getJsonObject(0).getString("code") + " "
              + event.getJsonObject("event").getJsonArray("entity").getJsonObject(0).getJsonObject("what")
                  .getString("reference");
        }).toList());
    String secret = token.bodyAsJsonObject().getString("token");
    for (String entry : entries) {
      assertFalse(entry.contains(password), "no password in the audit trail");
      assertFalse(secret != null && entry.contains(secret), "no ctl token in the audit trail");
    }
  }
}
