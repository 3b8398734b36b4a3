package io.bastion.auth.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import io.bastion.testsupport.TestClock;
import io.bastion.testsupport.TestNode;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The token endpoint on a real, deny-by-default node: the client-assertion attack matrix, secrets, scopes,
 * and that an issued token opens /fhir. Every refused authentication is the same 401 invalid_client.
 */
class TokenEndpointTest {

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final String FAILED = "client authentication failed";
  private static TestClock clock;
  private static TestNode node;
  private static WorkerExecutor blocking;
  private static ClientRegistry registry;
  private static TokenClient ec;
  private static TokenClient rsa;
  private static String secretClient;
  private static String secret;

  @BeforeAll
  static void start() {
    clock = new TestClock();
    node = TestNode.start(Map.of("auth.enabled", "true", "auth.server.requests-per-minute", "1000"), clock);
    blocking = node.node().vertx().createSharedWorkerExecutor("token-test", 2);
    registry = new ClientRegistry(node.node().pool(), blocking, clock, new SecureRandom());
    ec = TokenClient.es256("ec-1");
    ec.clientId = register(new JsonObject().put("name", "lab feed").put("scopes", "system/Patient.rs system/Observation.rs")
        .put("jwks", ec.publicJwks())).client().clientId();
    rsa = TokenClient.rs384("rsa-1");
    rsa.clientId = register(new JsonObject().put("name", "billing").put("scopes", new JsonArray().add("system/*.read"))
        .put("jwks", rsa.publicJwks())).client().clientId();
    ClientRegistry.Registered withSecret = register(new JsonObject().put("name", "legacy").put("scopes", "system/Patient.rs")
        .put("generateSecret", true));
    secretClient = withSecret.client().clientId();
    secret = withSecret.secret();
  }

  private static ClientRegistry.Registered register(JsonObject request) {
    return registry.register(ClientRequest.fromJson(request), "test").await();
  }

  @AfterAll
  static void stop() {
    blocking.close();
    node.close();
  }

  private static void assertInvalidClient(HttpResponse<Buffer> response, String why) {
    assertEquals(401, response.statusCode(), why + ": " + response.bodyAsString());
    assertEquals("invalid_client", response.bodyAsJsonObject().getString("error"), why);
    assertEquals(FAILED, response.bodyAsJsonObject().getString("error_description"), why + ": never says which check failed");
    assertTrue(response.getHeader("WWW-Authenticate").startsWith("Basic realm=\"bastion\""), why);
    assertEquals("no-store", response.getHeader("Cache-Control"), why);
  }

  @Test
  void aSignedAssertionGetsAShortLivedTokenThatOpensTheFhirApi() {
    HttpResponse<Buffer> response = ec.token(node, clock, null);
    assertEquals(200, response.statusCode(), response.bodyAsString());
    JsonObject body = response.bodyAsJsonObject();
    assertEquals("bearer", body.getString("token_type"));
    assertEquals(300, body.getInteger("expires_in"));
    assertEquals("system/Patient.rs system/Observation.rs", body.getString("scope"), "no scope asked: all granted");
    assertEquals("no-store", response.getHeader("Cache-Control"));
    String token = body.getString("access_token");
    assertEquals(401, node.get("/fhir/Patient").statusCode(), "deny by default");
    var allowed = node.send(HttpMethod.GET, "/fhir/Patient", Map.of("Authorization", "Bearer " + token), null);
    assertEquals(200, allowed.statusCode(), allowed.bodyAsString());
    var outOfScope = node.send(HttpMethod.GET, "/fhir/Condition", Map.of("Authorization", "Bearer " + token), null);
    assertEquals(403, outOfScope.statusCode(), "Condition is not in the grant");
  }

  @Test
  void rs384AssertionsAndNarrowerScopesWork() {
    HttpResponse<Buffer> response = rsa.token(node, clock, "system/Patient.r system/Encounter.rs");
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertEquals("system/Patient.r system/Encounter.rs", response.bodyAsJsonObject().getString("scope"));
  }

  @Test
  void aJwksUriIsFetchedAndRefetchedWhenTheClientRotatesItsKey() {
    TokenClient first = TokenClient.es256("uri-1");
    TokenClient second = TokenClient.es256("uri-2");
    JsonObject[] published = {first.publicJwks()};
    var server = node.node().vertx().createHttpServer().requestHandler(request -> request.response()
        .putHeader("Content-Type", "application/json").end(published[0].encode())).listen(0).await();
    try {
      String clientId = register(new JsonObject().put("name", "uri client").put("scopes", "system/Patient.rs")
          .put("jwksUri", "http://127.0.0.1:" + server.actualPort() + "/jwks")).client().clientId();
      first.clientId = clientId;
      second.clientId = clientId;
      assertEquals(200, first.token(node, clock, null).statusCode(), "keys fetched from the jwks_uri");
      published[0] = second.publicJwks(); // the client rotates: a kid the cached set lacks
      clock.advance(ClientJwks.MIN_REFETCH.plusSeconds(1));
      assertEquals(200, second.token(node, clock, null).statusCode(), "an unknown kid refetches the set");
      assertInvalidClient(first.token(node, clock, null), "the retired key is gone from the refetched set");
    } finally {
      server.close().await();
    }
  }

  @Test
  void wrongAudienceIsRefused() {
    assertInvalidClient(TokenClient.withAssertion(node, ec.sign(ec.claims(node, clock)
        .audience("https://other.example.org/auth/token").build()), null), "wrong aud");
  }

  @Test
  void expiredAndFarFutureAssertionsAreRefused() {
    assertInvalidClient(TokenClient.withAssertion(node, ec.sign(ec.claims(node, clock)
        .expirationTime(Date.from(clock.instant().minusSeconds(120))).build()), null), "expired");
    assertInvalidClient(TokenClient.withAssertion(node, ec.sign(ec.claims(node, clock)
        .expirationTime(Date.from(clock.instant().plus(Duration.ofHours(1)))).build()), null), "exp an hour ahead");
    assertInvalidClient(TokenClient.withAssertion(node, ec.sign(ec.claims(node, clock).expirationTime(null).build()), null),
        "no exp");
  }

  @Test
  void aReplayedJtiIsRefused() {
    String assertion = ec.sign(ec.claims(node, clock).build());
    assertEquals(200, TokenClient.withAssertion(node, assertion, null).statusCode());
    assertInvalidClient(TokenClient.withAssertion(node, assertion, null), "the same assertion twice");
    assertInvalidClient(TokenClient.withAssertion(node, ec.sign(ec.claims(node, clock).jwtID(null).build()), null), "no jti");
  }

  @Test
  void aKeyThatIsNotRegisteredIsRefused() {
    TokenClient forger = TokenClient.es256("ec-1");
    assertInvalidClient(TokenClient.withAssertion(node, ec.sign(forger.key, ec.claims(node, clock).build()), null),
        "signed by another key under the registered kid");
  }

  @Test
  void algNoneAndHmacWithThePublicKeyAreRefused() throws Exception {
    JWTClaimsSet claims = rsa.claims(node, clock).build();
    String payload = B64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
    String none = B64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "." + payload + ".";
    assertInvalidClient(TokenClient.withAssertion(node, none, null), "alg none");
    // HS/RS confusion: an HMAC keyed with the client's public key, which anyone can read from its JWKS
    String header = B64.encodeToString(("{\"alg\":\"HS256\",\"kid\":\"rsa-1\"}").getBytes(StandardCharsets.UTF_8));
    byte[] publicKey = ((RSAKey) rsa.key).toRSAPublicKey().getEncoded();
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(publicKey, "HmacSHA256"));
    String input = header + "." + payload;
    String confused = input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    assertInvalidClient(TokenClient.withAssertion(node, confused, null), "HS256 keyed with the RSA public key");
  }

  @Test
  void unknownAndDisabledClientsAreRefused() {
    TokenClient stranger = TokenClient.es256("s-1");
    stranger.clientId = "bcl_unknown";
    assertInvalidClient(stranger.token(node, clock, null), "unknown client");
    TokenClient later = TokenClient.es256("l-1");
    later.clientId = register(new JsonObject().put("name", "to disable").put("scopes", "system/Patient.rs")
        .put("jwks", later.publicJwks())).client().clientId();
    assertEquals(200, later.token(node, clock, null).statusCode());
    registry.setDisabled(later.clientId, true).await();
    assertInvalidClient(later.token(node, clock, null), "disabled client");
  }

  @Test
  void scopesBeyondTheGrantAreInvalidScope() {
    for (String scope : new String[] {"system/Condition.rs", "system/Patient.cruds", "system/*.rs", "user/Patient.rs",
        "patient/Patient.rs", "openid", "system/Patient.rs?gender=male extra"}) {
      HttpResponse<Buffer> response = ec.token(node, clock, scope);
      assertEquals(400, response.statusCode(), scope + ": " + response.bodyAsString());
      assertEquals("invalid_scope", response.bodyAsJsonObject().getString("error"), scope);
    }
    assertEquals(200, ec.token(node, clock, "system/Patient.rs?gender=male").statusCode(), "a restricted subset is within");
  }

  @Test
  void clientSecretsBasicAndPost() {
    String basic = "Basic " + Base64.getEncoder().encodeToString((secretClient + ":" + secret).getBytes(StandardCharsets.UTF_8));
    var viaBasic = TokenClient.post(node, Map.of("grant_type", "client_credentials"), Map.of("Authorization", basic));
    assertEquals(200, viaBasic.statusCode(), viaBasic.bodyAsString());
    var viaPost = TokenClient.post(node, Map.of("grant_type", "client_credentials", "client_id", secretClient,
        "client_secret", secret), Map.of());
    assertEquals(200, viaPost.statusCode(), viaPost.bodyAsString());
    String wrong = "Basic " + Base64.getEncoder().encodeToString((secretClient + ":" + secret + "x").getBytes(StandardCharsets.UTF_8));
    assertInvalidClient(TokenClient.post(node, Map.of("grant_type", "client_credentials"), Map.of("Authorization", wrong)),
        "wrong secret");
    assertInvalidClient(TokenClient.post(node, Map.of("grant_type", "client_credentials", "client_id", ec.clientId,
        "client_secret", secret), Map.of()), "a key client has no secret");
    assertInvalidClient(TokenClient.post(node, Map.of("grant_type", "client_credentials", "client_id", secretClient), Map.of()),
        "no credentials at all");
  }

  @Test
  void oversizedAssertionsAreRefused() {
    String big = ec.sign(ec.claims(node, clock).claim("padding", "x".repeat(9000)).build());
    HttpResponse<Buffer> response = TokenClient.withAssertion(node, big, null);
    assertEquals(400, response.statusCode(), response.bodyAsString());
    assertEquals("invalid_request", response.bodyAsJsonObject().getString("error"));
    String huge = "x".repeat(20_000);
    assertEquals(413, TokenClient.withAssertion(node, huge, null).statusCode(), "over the endpoint's 16 KiB body limit");
  }

  @Test
  void malformedRequestsGetTheirRfc6749Codes() {
    var noGrant = TokenClient.post(node, Map.of("client_id", ec.clientId), Map.of());
    assertEquals(400, noGrant.statusCode());
    assertEquals("invalid_request", noGrant.bodyAsJsonObject().getString("error"));
    var password = TokenClient.post(node, Map.of("grant_type", "password"), Map.of());
    assertEquals("unsupported_grant_type", password.bodyAsJsonObject().getString("error"));
    var json = node.send(HttpMethod.POST, "/auth/token", Map.of("Content-Type", "application/json"),
        Buffer.buffer("{\"grant_type\":\"client_credentials\"}"));
    assertEquals("invalid_request", json.bodyAsJsonObject().getString("error"));
    var wrongType = TokenClient.post(node, Map.of("grant_type", "client_credentials", "client_assertion_type", "urn:other",
        "client_assertion", "x.y.z"), Map.of());
    assertEquals("invalid_request", wrongType.bodyAsJsonObject().getString("error"));
  }

  @Test
  void perClientRateLimit() {
    TestNode limited = TestNode.start(Map.of("auth.enabled", "true", "auth.server.requests-per-minute", "3"), clock);
    try {
      int[] statuses = new int[5];
      for (int i = 0; i < statuses.length; i++) {
        statuses[i] = TokenClient.post(limited, Map.of("grant_type", "client_credentials", "client_id", "bcl_x",
            "client_secret", "guess-" + i), Map.of()).statusCode();
      }
      assertEquals(401, statuses[2]);
      var limitedResponse = TokenClient.post(limited, Map.of("grant_type", "client_credentials", "client_id", "bcl_x",
          "client_secret", "guess"), Map.of());
      assertEquals(429, limitedResponse.statusCode());
      assertTrue(Integer.parseInt(limitedResponse.getHeader("Retry-After")) >= 1);
      assertNotEquals(429, TokenClient.post(limited, Map.of("grant_type", "client_credentials", "client_id", "bcl_other",
          "client_secret", "guess"), Map.of()).statusCode(), "another client is not limited");
    } finally {
      limited.close();
    }
  }

  @Test
  void theIssuerDescribesItself() {
    JsonObject smart = node.get("/.well-known/smart-configuration").bodyAsJsonObject();
    assertEquals(node.baseUrl() + "/auth/token", smart.getString("token_endpoint"));
    assertTrue(smart.getJsonArray("token_endpoint_auth_methods_supported").contains("private_key_jwt"));
    assertTrue(smart.getJsonArray("token_endpoint_auth_signing_alg_values_supported").contains("RS384"));
    assertTrue(smart.getJsonArray("grant_types_supported").contains("client_credentials"));
    assertTrue(smart.getJsonArray("capabilities").contains("client-confidential-asymmetric"));
    assertEquals(smart, node.get("/fhir/.well-known/smart-configuration").bodyAsJsonObject(), "also under the FHIR base");
    JsonObject jwks = node.get("/.well-known/jwks.json").bodyAsJsonObject();
    JsonObject key = jwks.getJsonArray("keys").getJsonObject(0);
    assertEquals("ES256", key.getString("alg"));
    assertFalse(key.containsKey("d"), "never the private part");
  }
}
