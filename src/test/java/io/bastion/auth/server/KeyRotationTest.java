package io.bastion.auth.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.SignedJWT;
import io.bastion.testsupport.TestClock;
import io.bastion.testsupport.TestNode;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Signing-key rotation with its overlap window: a token signed by the previous key keeps working until it
 * expires, both keys are published meanwhile, and the private keys are sealed in PostgreSQL.
 */
class KeyRotationTest {

  @Test
  void tokensOfThePreviousKeyVerifyUntilTheyExpire() throws Exception {
    TestClock clock = new TestClock();
    String kek = java.util.Base64.getEncoder().encodeToString(new byte[32]).replace('A', 'B');
    try (TestNode node = TestNode.start(Map.of("auth.enabled", "true", "auth.server.key-rotation-days", "1",
        "auth.server.key-encryption-key", kek), clock)) {
      WorkerExecutor blocking = node.node().vertx().createSharedWorkerExecutor("rotation-test", 1);
      try {
        TokenClient client = TokenClient.es256("k");
        client.clientId = new ClientRegistry(node.node().pool(), blocking, clock, new SecureRandom())
            .register(ClientRequest.fromJson(new JsonObject().put("name", "feed").put("scopes", "system/Patient.rs")
                .put("jwks", client.publicJwks())), "test").await().client().clientId();

        clock.advance(Duration.ofDays(1).minusSeconds(60));
        String old = client.token(node, clock, null).bodyAsJsonObject().getString("access_token");
        String oldKid = SignedJWT.parse(old).getHeader().getKeyID();
        assertEquals(200, fhir(node, old), "fresh token of the first key");

        clock.advance(Duration.ofSeconds(120)); // the first key is now a day old: the next token rotates
        String fresh = client.token(node, clock, null).bodyAsJsonObject().getString("access_token");
        String newKid = SignedJWT.parse(fresh).getHeader().getKeyID();
        assertNotEquals(oldKid, newKid, "a new key signs after rotation");
        assertEquals(200, fhir(node, fresh));
        assertEquals(200, fhir(node, old), "the previous key's token still verifies within its lifetime");
        var kids = node.get("/.well-known/jwks.json").bodyAsJsonObject().getJsonArray("keys").stream()
            .map(k -> ((JsonObject) k).getString("kid")).toList();
        assertTrue(kids.contains(oldKid) && kids.contains(newKid), "both keys published during the overlap: " + kids);

        clock.advance(Duration.ofSeconds(250)); // the old token's exp (+300 s) and skew (60 s) have passed
        assertEquals(401, fhir(node, old), "expired");
        assertEquals(200, fhir(node, fresh), "the new key's token is still within its lifetime");

        var server = node.node().postgres();
        try (var c = java.sql.DriverManager.getConnection(server.jdbcUrl(), server.options().getUser(),
            server.options().getPassword()); var rows = c.createStatement().executeQuery(
            "SELECT private_key, retire_at FROM auth_signing_key ORDER BY created_at")) {
          int count = 0;
          while (rows.next()) {
            count++;
            assertTrue(rows.getString(1).startsWith("v1:"), "sealed under the key-encryption key");
            assertTrue(rows.getString(1).length() > 40);
          }
          assertEquals(2, count);
        }
      } finally {
        blocking.close();
      }
    }
  }

  private static int fhir(TestNode node, String token) {
    return node.send(HttpMethod.GET, "/fhir/Patient", Map.of("Authorization", "Bearer " + token), null).statusCode();
  }
}
