package io.bastion.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.monitoring.MonitoringAddresses;
import io.bastion.testsupport.TestClock;
import io.bastion.testsupport.TestNode;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The session API behind the login page, the stored hash, and the bridge's refusal of anonymous sockets. */
class AdminSessionTest {

  private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");
  private static TestNode node;
  private static AdminHttp http;
  private static final AdminHttp.Authenticator phone = new AdminHttp.Authenticator();

  @BeforeAll
  static void start() {
    TestClock clock = new TestClock();
    node = TestNode.start(Map.of(), clock);
    http = new AdminHttp(node, clock);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static io.vertx.ext.web.client.HttpResponse<Buffer> login(String password) {
    return node.send(HttpMethod.POST, "/admin/api/session", JSON,
        Buffer.buffer(new JsonObject().put("username", "admin").put("password", password).encode()));
  }

  @Test
  void wrongPasswordAndUnknownUserGetTheSameAnswer() {
    var wrong = login("not-the-password");
    assertEquals(401, wrong.statusCode());
    assertEquals("application/problem+json", wrong.getHeader("Content-Type"));
    assertEquals(null, wrong.getHeader("Set-Cookie"));
    var unknown = node.send(HttpMethod.POST, "/admin/api/session", JSON,
        Buffer.buffer(new JsonObject().put("username", "nobody").put("password", "x").encode()));
    assertEquals(401, unknown.statusCode());
    assertEquals(wrong.bodyAsJsonObject().getString("detail"), unknown.bodyAsJsonObject().getString("detail"));
  }

  @Test
  void badBodiesGetClearErrors() {
    assertEquals(415, node.send(HttpMethod.POST, "/admin/api/session", Map.of("Content-Type", "application/x-www-form-urlencoded"),
        Buffer.buffer("username=admin&password=x")).statusCode());
    var malformed = node.send(HttpMethod.POST, "/admin/api/session", JSON, Buffer.buffer("{\"username\":"));
    assertEquals(400, malformed.statusCode());
    assertEquals(400, node.send(HttpMethod.POST, "/admin/api/session", JSON,
        Buffer.buffer("{\"username\": 5, \"password\": []}")).statusCode());
  }

  @Test
  void loginGivesAStrictHttpOnlySessionThatLogoutEnds() {
    var ok = login(TestNode.ADMIN_PASSWORD);
    assertEquals(200, ok.statusCode());
    assertEquals("admin", ok.bodyAsJsonObject().getString("username"));
    String setCookie = ok.getHeader("Set-Cookie");
    assertNotNull(setCookie);
    assertTrue(setCookie.startsWith(AdminRoutes.SESSION_COOKIE + "="));
    assertTrue(setCookie.toLowerCase(java.util.Locale.ROOT).contains("httponly"), setCookie);
    assertTrue(setCookie.contains("SameSite=Strict"));
    assertTrue(setCookie.contains("Path=/admin"));

    // The admin role needs a second factor: the password alone is only the first step.
    AdminHttp.Session session = http.signIn("admin", TestNode.ADMIN_PASSWORD, phone);
    assertEquals(401, node.get("/admin/api/session").statusCode());
    var me = node.send(HttpMethod.GET, "/admin/api/session", Map.of("Cookie", session.cookie), null);
    assertEquals(200, me.statusCode());
    assertEquals("admin", me.bodyAsJsonObject().getString("username"));
    assertEquals("signed-in", me.bodyAsJsonObject().getString("state"));

    // Sign-out is state-changing: without the CSRF token it is refused and the session lives on.
    assertEquals(403, node.send(HttpMethod.DELETE, "/admin/api/session", Map.of("Cookie", session.cookie), null).statusCode());
    assertEquals(200, node.send(HttpMethod.GET, "/admin/api/session", Map.of("Cookie", session.cookie), null).statusCode());
    assertEquals(204, http.send(HttpMethod.DELETE, "/admin/api/session", session, null).statusCode());
    assertEquals(401, node.send(HttpMethod.GET, "/admin/api/session", Map.of("Cookie", session.cookie), null).statusCode());
  }

  @Test
  void onlyAnArgon2idHashIsStored() {
    var row = node.node().pool().query("SELECT password_hash, roles FROM admin_user WHERE username = 'admin'")
        .execute().await().iterator().next();
    String hash = row.getString("password_hash");
    assertTrue(hash.startsWith("$argon2id$v=19$"), hash);
    assertFalse(hash.contains(TestNode.ADMIN_PASSWORD));
    assertEquals("admin", row.getArrayOfStrings("roles")[0]);
  }

  @Test
  void bridgeRefusesAnonymousSocketsAndServesSignedInOnes() throws Exception {
    var client = node.node().vertx().createWebSocketClient();
    try {
      // Anonymous: the bridge closes the socket at creation; no frame ever arrives. Handlers are set
      // before connecting because the close can beat the handshake's completion.
      var anonymous = client.webSocket();
      Promise<Void> closed = Promise.promise();
      java.util.List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
      anonymous.handler(data -> received.add(data.toString()));
      anonymous.closeHandler(v -> closed.tryComplete());
      anonymous.connect(node.port(), "localhost", "/admin/eventbus/websocket").await();
      anonymous.writeTextMessage(register()).otherwiseEmpty();
      closed.future().await(5, TimeUnit.SECONDS);
      assertEquals(java.util.List.of(), received);

      // Signed in: snapshots flow (SockJS's raw WebSocket transport sends binary frames).
      String cookie = http.signIn("admin", TestNode.ADMIN_PASSWORD, phone).cookie;
      WebSocket signedIn = client.connect(new WebSocketConnectOptions().setPort(node.port()).setHost("localhost")
          .setURI("/admin/eventbus/websocket").addHeader("Cookie", cookie)).await();
      Promise<JsonObject> snapshot = Promise.promise();
      signedIn.handler(data -> {
        JsonObject frame = data.toJsonObject();
        if ("rec".equals(frame.getString("type"))) {
          snapshot.tryComplete(frame.getJsonObject("body"));
        }
      });
      signedIn.writeTextMessage(register());
      assertEquals("test-node", snapshot.future().await(5, TimeUnit.SECONDS).getString("node"));
      signedIn.close();
    } finally {
      client.close();
    }
  }

  private static String register() {
    return new JsonObject().put("type", "register").put("address", MonitoringAddresses.SNAPSHOT)
        .put("headers", new JsonObject()).encode();
  }
}
