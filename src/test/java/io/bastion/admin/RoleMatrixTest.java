package io.bastion.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.audit.AuditAddresses;
import io.bastion.monitoring.MonitoringAddresses;
import io.bastion.testsupport.TestClock;
import io.bastion.testsupport.TestNode;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Which role reaches what: every admin API endpoint, the panels the session reports, and bridge addresses. */
class RoleMatrixTest {

  private static final String PASSWORD = "role-matrix-password";
  private static TestNode node;
  private static AdminHttp http;
  private static AdminHttp.Session admin;
  private static Map<String, AdminHttp.Session> byRole;
  private static long targetId;

  @BeforeAll
  static void start() {
    TestClock clock = new TestClock();
    node = TestNode.start(Map.of(), clock);
    http = new AdminHttp(node, clock);
    admin = http.signIn("admin", TestNode.ADMIN_PASSWORD, new AdminHttp.Authenticator());
    http.createUser(admin, "so1", PASSWORD, "security-officer");
    http.createUser(admin, "ops1", PASSWORD, "ops");
    http.createUser(admin, "viewer1", PASSWORD, "viewer");
    targetId = http.createUser(admin, "target", PASSWORD, "viewer").getLong("id");
    byRole = Map.of(
        "security-officer", http.signIn("so1", PASSWORD, new AdminHttp.Authenticator()), // enrols: MFA required
        "ops", http.signIn("ops1", PASSWORD, null),
        "viewer", http.signIn("viewer1", PASSWORD, null));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private record Call(HttpMethod method, String path, JsonObject body) {
  }

  private static List<Call> adminOnlyCalls() {
    String target = "/admin/api/users/" + targetId;
    return List.of(
        new Call(HttpMethod.GET, "/admin/api/users", null),
        new Call(HttpMethod.POST, "/admin/api/users", new JsonObject().put("username", "new-" + System.nanoTime())
            .put("password", PASSWORD).put("roles", new JsonArray().add("viewer"))),
        new Call(HttpMethod.PUT, target + "/roles", new JsonObject().put("roles", new JsonArray().add("ops"))),
        new Call(HttpMethod.POST, target + "/password", new JsonObject().put("password", PASSWORD + "-2")),
        new Call(HttpMethod.POST, target + "/enable", null),
        new Call(HttpMethod.DELETE, target + "/mfa", null),
        new Call(HttpMethod.GET, "/admin/api/ctl-tokens", null),
        new Call(HttpMethod.POST, "/admin/api/ctl-tokens", new JsonObject().put("name", "t").put("role", "viewer")
            .put("expiresInDays", 1)),
        new Call(HttpMethod.GET, "/admin/api/clients", null),
        new Call(HttpMethod.POST, "/admin/api/clients", new JsonObject().put("name", "c").put("scopes", "system/*.rs")
            .put("generateSecret", true)));
  }

  @Test
  void auditApiIsForAdminsAndSecurityOfficers() {
    String patientId = node.send(HttpMethod.POST, "/fhir/Patient", Map.of("Content-Type", "application/fhir+json"),
        new JsonObject().put("resourceType", "Patient").put("active", true).toBuffer()).bodyAsJsonObject().getString("id");
    assertEquals(200, node.send(HttpMethod.GET, "/fhir/Patient/" + patientId, Map.of(), null).statusCode());
    List<String> paths = List.of("/admin/api/audit/verify", "/admin/api/audit/checkpoints",
        "/admin/api/audit/events?patient=" + patientId);
    for (String path : paths) {
      for (String role : List.of("ops", "viewer")) {
        assertEquals(403, http.send(HttpMethod.GET, path, byRole.get(role), null).statusCode(), role + " " + path);
      }
      assertEquals(401, http.send(HttpMethod.GET, path, null, null).statusCode(), path);
      for (AdminHttp.Session allowed : List.of(admin, byRole.get("security-officer"))) {
        HttpResponse<Buffer> ok = http.send(HttpMethod.GET, path, allowed, null);
        assertEquals(200, ok.statusCode(), path + " " + ok.bodyAsString());
      }
    }
    JsonObject verified = http.send(HttpMethod.GET, "/admin/api/audit/verify", admin, null).bodyAsJsonObject();
    assertTrue(verified.getBoolean("ok"), verified.encode());
    JsonArray events = http.send(HttpMethod.GET, "/admin/api/audit/events?patient=" + patientId,
        byRole.get("security-officer"), null).bodyAsJsonObject().getJsonArray("events");
    assertEquals(2, events.size(), events.encode());
    assertEquals("read", events.getJsonObject(0).getString("interaction"));
    assertEquals("R", events.getJsonObject(0).getString("action"));
    assertEquals("anonymous", events.getJsonObject(0).getString("agent"));
    assertTrue(events.getJsonObject(0).getJsonArray("entity").contains("Patient/" + patientId));
    assertEquals("create", events.getJsonObject(1).getString("interaction"));
    assertEquals(400, http.send(HttpMethod.GET, "/admin/api/audit/events", admin, null).statusCode());
    // the search itself is audited as a query by the signed-in user, without the patient entity
    JsonObject byOfficer = node.send(HttpMethod.GET, "/fhir/AuditEvent?agent=so1", Map.of(), null).bodyAsJsonObject();
    assertTrue(byOfficer.getJsonArray("entry").encode().contains("\"query\""), byOfficer.encode());
  }

  @Test
  void onlyAdminsReachTheUsersAndTokensApi() {
    for (Call call : adminOnlyCalls()) {
      for (var entry : byRole.entrySet()) {
        HttpResponse<Buffer> refused = http.send(call.method(), call.path(), entry.getValue(), call.body());
        assertEquals(403, refused.statusCode(), entry.getKey() + " " + call);
        assertEquals("application/problem+json", refused.getHeader("Content-Type"));
      }
      HttpResponse<Buffer> allowed = http.send(call.method(), call.path(), admin, call.body());
      assertTrue(allowed.statusCode() >= 200 && allowed.statusCode() < 300, "admin " + call + ": " + allowed.bodyAsString());
    }
    assertEquals(401, http.send(HttpMethod.GET, "/admin/api/users", new AdminHttp.Session(), null).statusCode(), "anonymous");
  }

  @Test
  void sessionListsThePanelsAndPermissionsOfEachRole() {
    Map<String, List<String>> panels = Map.of(
        "security-officer", List.of("overview", "security", "alerts", "audit"),
        "ops", List.of("overview", "api", "database", "backups", "load", "alerts"),
        "viewer", List.of("overview", "api", "database", "alerts"));
    panels.forEach((role, expected) -> {
      JsonObject session = http.send(HttpMethod.GET, "/admin/api/session", byRole.get(role), null).bodyAsJsonObject();
      assertEquals(expected, session.getJsonArray("panels").getList(), role);
      assertFalse(session.getJsonArray("permissions").contains("users.manage"), role);
    });
    JsonObject adminSession = http.send(HttpMethod.GET, "/admin/api/session", admin, null).bodyAsJsonObject();
    assertTrue(adminSession.getJsonArray("panels").contains("users"));
    assertEquals(Permission.values().length, adminSession.getJsonArray("permissions").size());
  }

  @Test
  void roleChangesAndDisablingTakeEffectAtOnce() {
    AdminHttp.Session target = http.signIn("target", PASSWORD, null);
    long id = targetId;
    assertEquals(200, http.send(HttpMethod.PUT, "/admin/api/users/" + id + "/roles", admin,
        new JsonObject().put("roles", new JsonArray().add("ops"))).statusCode());
    JsonObject now = http.send(HttpMethod.GET, "/admin/api/session", target, null).bodyAsJsonObject();
    assertTrue(now.getJsonArray("panels").contains("backups"), now.encode());

    assertEquals(200, http.send(HttpMethod.POST, "/admin/api/users/" + id + "/disable", admin, null).statusCode());
    assertEquals(401, http.send(HttpMethod.GET, "/admin/api/session", target, null).statusCode(), "disabled: session ended");
    HttpResponse<Buffer> login = http.password(new AdminHttp.Session(), "target", PASSWORD);
    assertEquals(401, login.statusCode());
    assertEquals("unknown username or wrong password", login.bodyAsJsonObject().getString("detail"));
    assertEquals(200, http.send(HttpMethod.POST, "/admin/api/users/" + id + "/enable", admin, null).statusCode());
  }

  @Test
  void aFieldARequestDoesNotTakeIsRefusedNotIgnored() {
    String target = "/admin/api/users/" + targetId;
    Map<Call, String> misspelt = Map.of(
        new Call(HttpMethod.PUT, target + "/roles", new JsonObject().put("role", new JsonArray().add("admin"))), "role",
        new Call(HttpMethod.POST, "/admin/api/users", new JsonObject().put("username", "extra-field")
            .put("password", PASSWORD).put("roles", new JsonArray().add("viewer")).put("mfaRequired", false)), "mfaRequired",
        new Call(HttpMethod.POST, target + "/password", new JsonObject().put("password", PASSWORD).put("notify", true)), "notify",
        new Call(HttpMethod.POST, "/admin/api/ctl-tokens", new JsonObject().put("name", "t").put("role", "viewer")
            .put("expiresInDays", 1).put("expiresIn", 1)), "expiresIn",
        new Call(HttpMethod.POST, "/admin/api/clients", new JsonObject().put("name", "c").put("scope", "system/*.rs")
            .put("generateSecret", true)), "scope",
        new Call(HttpMethod.POST, "/admin/api/waf/mode", new JsonObject().put("mode", "on").put("rules", "none")), "rules");
    misspelt.forEach((call, field) -> {
      HttpResponse<Buffer> response = http.send(call.method(), call.path(), admin, call.body());
      assertEquals(400, response.statusCode(), call.path());
      assertTrue(response.bodyAsJsonObject().getString("detail").startsWith("unknown field \"" + field + "\""),
          response.bodyAsString());
    });
    JsonObject users = http.send(HttpMethod.GET, "/admin/api/users", admin, null).bodyAsJsonObject();
    assertTrue(users.getJsonArray("users").stream().map(JsonObject.class::cast)
        .noneMatch(u -> "extra-field".equals(u.getString("username"))), "the refused user was not created");
    HttpResponse<Buffer> login = http.send(HttpMethod.POST, "/admin/api/session", new AdminHttp.Session(),
        new JsonObject().put("username", "admin").put("password", TestNode.ADMIN_PASSWORD).put("remember", true));
    assertEquals(400, login.statusCode(), login.bodyAsString());
  }

  @Test
  void theLastAdministratorCannotBeRemoved() {
    long self = http.send(HttpMethod.GET, "/admin/api/users", admin, null).bodyAsJsonObject().getJsonArray("users").stream()
        .map(JsonObject.class::cast).filter(u -> "admin".equals(u.getString("username"))).findFirst().orElseThrow().getLong("id");
    assertEquals(409, http.send(HttpMethod.POST, "/admin/api/users/" + self + "/disable", admin, null).statusCode());
    assertEquals(409, http.send(HttpMethod.DELETE, "/admin/api/users/" + self + "/mfa", admin, null).statusCode(),
        "a session cannot reset its own second factor (and then enrol another device)");
    assertEquals(409, http.send(HttpMethod.PUT, "/admin/api/users/" + self + "/roles", admin,
        new JsonObject().put("roles", new JsonArray().add("viewer"))).statusCode());
    assertEquals(400, http.send(HttpMethod.PUT, "/admin/api/users/" + self + "/roles", admin,
        new JsonObject().put("roles", new JsonArray().add("root"))).statusCode(), "unknown role");
    assertEquals(404, http.send(HttpMethod.POST, "/admin/api/users/999999/disable", admin, null).statusCode());
  }

  @Test
  void bridgeAddressesFollowTheRole() throws Exception {
    // Everyone may watch the overview; only roles with audit.view may ask the audit capability.
    for (String role : List.of("security-officer", "ops", "viewer")) {
      assertTrue(firstFrame(byRole.get(role), register(MonitoringAddresses.SNAPSHOT)).getString("type").equals("rec"), role);
    }
    assertTrue(refused(firstFrame(byRole.get("viewer"), send(AuditAddresses.VERIFY))), "viewer -> audit");
    assertTrue(refused(firstFrame(byRole.get("ops"), send(AuditAddresses.VERIFY))), "ops -> audit");
    assertFalse(refused(firstFrame(byRole.get("security-officer"), send(AuditAddresses.VERIFY))), "security-officer -> audit");
    assertFalse(refused(firstFrame(admin, send(AuditAddresses.VERIFY))), "admin -> audit");
    String arrayBody = new JsonObject(send(AuditAddresses.VERIFY)).put("body", new JsonArray().add(1)).encode();
    assertTrue(refused(firstFrame(admin, arrayBody)), "a body that is not a JSON object never reaches the consumer");
  }

  /** A refusal by the bridge (not by a missing or failing consumer, which means the message got through). */
  private static boolean refused(JsonObject frame) {
    Object body = frame.getValue("body");
    return "err".equals(frame.getString("type")) && ("rejected".equals(body) || "access_denied".equals(body));
  }

  private static String register(String address) {
    return new JsonObject().put("type", "register").put("address", address).put("headers", new JsonObject()).encode();
  }

  private static String send(String address) {
    return new JsonObject().put("type", "send").put("address", address).put("replyAddress", "r" + System.nanoTime())
        .put("headers", new JsonObject()).put("body", new JsonObject()).encode();
  }

  private static JsonObject firstFrame(AdminHttp.Session session, String frame) throws Exception {
    var client = node.node().vertx().createWebSocketClient();
    try {
      WebSocket socket = client.connect(new WebSocketConnectOptions().setPort(node.port()).setHost("localhost")
          .setURI("/admin/eventbus/websocket").addHeader("Cookie", session.cookie)).await();
      Promise<JsonObject> first = Promise.promise();
      socket.handler(data -> first.tryComplete(data.toJsonObject()));
      socket.writeTextMessage(frame);
      JsonObject received = first.future().await(5, TimeUnit.SECONDS);
      socket.close();
      return received;
    } finally {
      client.close();
    }
  }
}
