package io.bastion.cli;

import static io.bastion.cli.CtlRun.ctl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.admin.AdminHttp;
import io.bastion.admin.NodeAddresses;
import io.bastion.audit.AuditAddresses;
import io.bastion.backup.BackupAddresses;
import io.bastion.testsupport.TestClock;
import io.bastion.testsupport.TestNode;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ctl tokens from the admin API against the real ctl bridge: the role decides the addresses, expiry and
 * revocation end a token, the database keeps only its hash, and the configured bootstrap token acts as admin.
 */
class CtlTokenRolesTest {

  private static final String BOOTSTRAP = "bootstrap-ctl-token-0123456789";
  private static TestNode node;
  private static TestClock clock;
  private static AdminHttp http;
  private static AdminHttp.Session admin;
  private static final AdminHttp.Authenticator phone = new AdminHttp.Authenticator();
  private static int ctlPort;

  @BeforeAll
  static void start() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      ctlPort = socket.getLocalPort();
    }
    clock = new TestClock();
    node = TestNode.start(Map.of("ctl.token", BOOTSTRAP, "ctl.port", String.valueOf(ctlPort)), clock);
    http = new AdminHttp(node, clock);
    admin = http.signIn("admin", TestNode.ADMIN_PASSWORD, phone);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static JsonObject createToken(String role, int days) {
    var created = http.send(HttpMethod.POST, "/admin/api/ctl-tokens", admin,
        new JsonObject().put("name", role + " token").put("role", role).put("expiresInDays", days));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return created.bodyAsJsonObject();
  }

  /** The failure kind of one request, or null when the bridge let it through (reply or consumer failure). */
  private static BridgeException.Kind attempt(String token, String address) {
    BridgeClient client = BridgeClient.create(token);
    try {
      client.connect("127.0.0.1", ctlPort, Duration.ofSeconds(5)).await();
      try {
        client.request(address, new JsonObject(), Duration.ofSeconds(5)).await();
        return null;
      } catch (BridgeException e) {
        return e.kind() == BridgeException.Kind.REPLY_FAILED ? null : e.kind();
      }
    } finally {
      client.close().await();
    }
  }

  @Test
  void theTokensRoleDecidesTheAddresses() {
    String viewer = createToken("viewer", 30).getString("token");
    String officer = createToken("security-officer", 30).getString("token");
    String ops = createToken("ops", 30).getString("token");

    assertEquals(null, attempt(viewer, NodeAddresses.STATUS), "every role may see the status");
    assertEquals(BridgeException.Kind.ROLE_REFUSED, attempt(viewer, AuditAddresses.VERIFY));
    assertEquals(BridgeException.Kind.ROLE_REFUSED, attempt(viewer, BackupAddresses.RUN));
    assertEquals(null, attempt(officer, AuditAddresses.VERIFY), "audit.view: delivered");
    assertEquals(BridgeException.Kind.ROLE_REFUSED, attempt(officer, BackupAddresses.RUN));
    assertEquals(null, attempt(ops, BackupAddresses.RUN));
    assertEquals(BridgeException.Kind.ROLE_REFUSED, attempt(ops, AuditAddresses.VERIFY));
    assertEquals(null, attempt(BOOTSTRAP, AuditAddresses.VERIFY), "the bootstrap token is an admin token");
    assertEquals(null, attempt(BOOTSTRAP, BackupAddresses.RUN));

    // `bastion ctl status` with a database token, and a clear message when the role is not enough.
    CtlRun status = ctl("status", "--port", String.valueOf(ctlPort), "--token", viewer);
    assertEquals(0, status.exit(), status.err());
    assertTrue(status.out().contains("test-node"), status.out());
  }

  @Test
  void roleRefusalSaysWhy() {
    String viewer = createToken("viewer", 30).getString("token");
    BridgeClient client = BridgeClient.create(viewer);
    try {
      client.connect("127.0.0.1", ctlPort, Duration.ofSeconds(5)).await();
      BridgeException refused = assertThrows(BridgeException.class,
          () -> client.request(AuditAddresses.VERIFY, new JsonObject(), Duration.ofSeconds(5)).await());
      assertEquals("the token's role (viewer) may not use " + AuditAddresses.VERIFY, refused.getMessage());
      // the connection still serves what the role allows
      assertEquals("test-node", client.request(NodeAddresses.STATUS, new JsonObject(), Duration.ofSeconds(5)).await()
          .getString("node"));
    } finally {
      client.close().await();
    }
  }

  @Test
  void expiredAndRevokedTokensAreRefused() {
    JsonObject shortLived = createToken("admin", 1);
    JsonObject revocable = createToken("admin", 30);
    assertEquals(null, attempt(shortLived.getString("token"), NodeAddresses.STATUS));
    assertEquals(null, attempt(revocable.getString("token"), NodeAddresses.STATUS));

    assertEquals(200, http.send(HttpMethod.DELETE, "/admin/api/ctl-tokens/" + revocable.getLong("id"), admin, null).statusCode());
    assertEquals(BridgeException.Kind.TOKEN_REFUSED, attempt(revocable.getString("token"), NodeAddresses.STATUS), "revoked");
    assertEquals(404, http.send(HttpMethod.DELETE, "/admin/api/ctl-tokens/" + revocable.getLong("id"), admin, null).statusCode());

    clock.advance(Duration.ofDays(1).plusMinutes(1));
    assertEquals(BridgeException.Kind.TOKEN_REFUSED, attempt(shortLived.getString("token"), NodeAddresses.STATUS), "expired");
    CtlRun run = ctl("status", "--port", String.valueOf(ctlPort), "--token", shortLived.getString("token"));
    assertEquals(4, run.exit());
    assertEquals("bastion ctl: the node refused the token", run.err().strip());
    // a day later the admin's dashboard session is past its absolute timeout too: sign in again
    admin = http.signIn("admin", TestNode.ADMIN_PASSWORD, phone);
  }

  @Test
  void onlyTheHashIsStoredAndTheListNeverShowsTokens() {
    JsonObject created = createToken("ops", 7);
    String token = created.getString("token");
    assertTrue(token.startsWith("bct_") && token.length() > 40, token);
    var stored = node.node().pool().query("SELECT token_hash FROM ctl_token").execute().await();
    stored.forEach(row -> assertNotEquals(token, new String(row.getBuffer("token_hash").getBytes())));
    String listed = http.send(HttpMethod.GET, "/admin/api/ctl-tokens", admin, null).bodyAsString();
    assertFalse(listed.contains(token));
    assertTrue(listed.contains("\"role\":\"ops\""), listed);
    assertEquals(400, http.send(HttpMethod.POST, "/admin/api/ctl-tokens", admin,
        new JsonObject().put("name", "x").put("role", "root").put("expiresInDays", 1)).statusCode());
    assertEquals(400, http.send(HttpMethod.POST, "/admin/api/ctl-tokens", admin,
        new JsonObject().put("name", "x").put("role", "ops").put("expiresInDays", 10_000)).statusCode());
  }
}
