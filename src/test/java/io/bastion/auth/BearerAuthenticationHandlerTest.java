package io.bastion.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.testsupport.BlockedThreadWatch;
import io.bastion.testsupport.OnEventLoop;
import io.bastion.testsupport.TestNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bearer handler and the scope guard on a tiny router behind a real HTTP server, with a real JWKS
 * server: challenges, status codes, bodies, the principal and decision handed to the route, metrics.
 */
class BearerAuthenticationHandlerTest {

  static Vertx vertx;
  static JwksServer idp;
  static MutableClock clock;
  static TokenVerifier verifier;
  static SimpleMeterRegistry registry;
  static HttpServer server;
  static WebClient client;
  static OnEventLoop loop;
  static TestKeys.Key rsa;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx(TestNode.vertxOptions());
    rsa = TestKeys.rsa("rsa-1");
    idp = JwksServer.start(vertx);
    idp.publish(List.of(rsa.jwk()));
    clock = new MutableClock();
    verifier = TokenVerifier.create(vertx, TokenVerifierTest.config(idp.url()), clock).await();
    registry = new SimpleMeterRegistry();
    AccessPolicy policy = new AccessPolicy();

    Router router = Router.router(vertx);
    BearerAuthenticationHandler bearer = BearerAuthenticationHandler.create(verifier, registry, Set.of("/fhir/metadata"));
    router.route("/fhir/*").handler(bearer);
    router.get("/fhir/metadata").handler(SmartScopeHandler.require(policy, Interaction.CAPABILITIES))
        .handler(ctx -> ctx.end("capabilities"));
    router.get("/fhir/:type/:id").handler(SmartScopeHandler.require(policy, Interaction.READ)).handler(ctx -> {
      Principal p = Principal.of(ctx);
      AccessDecision d = AccessDecision.of(ctx);
      ctx.json(new JsonObject().put("sub", p.subject()).put("client", p.clientId())
          .put("compartment", d.patient()).put("reason", d.reason()));
    });
    router.post("/fhir/:type").handler(BodyHandler.create(false).setBodyLimit(4096))
        .handler(SmartScopeHandler.require(policy, Interaction.CREATE))
        .handler(ctx -> ctx.response().setStatusCode(201).end("received " + ctx.body().length() + " bytes"));
    router.route("/api/*").handler(bearer).handler(ctx -> ctx.end("ok"));
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(server.actualPort()));
    loop = new OnEventLoop(vertx);
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close().await();
    verifier.close();
    idp.close();
    vertx.close().await();
  }

  @BeforeEach
  void clearWarnings() {
    BlockedThreadWatch.drain();
  }

  @AfterEach
  void noBlockedEventLoop() {
    assertEquals(List.of(), BlockedThreadWatch.drain(), "event loop blocked during the test");
  }

  static JsonObject claims(String scope) {
    return TokenVerifierTest.claimsAt(clock).put("scope", scope).put("patient", "pat-7");
  }

  static HttpResponse<Buffer> get(String path, Map<String, String> headers) {
    return loop.await(() -> {
      var request = client.request(HttpMethod.GET, path);
      headers.forEach(request::putHeader);
      return request.send();
    }, 30);
  }

  static HttpResponse<Buffer> get(String path, String token) {
    return get(path, Map.of("Authorization", "Bearer " + token));
  }

  @Test
  void noTokenGetsABareChallengeAndAnOperationOutcome() {
    var response = get("/fhir/Patient/1", Map.of());
    assertEquals(401, response.statusCode());
    assertEquals("Bearer realm=\"bastion\"", response.getHeader("WWW-Authenticate"));
    assertEquals("application/fhir+json; charset=utf-8", response.getHeader("Content-Type"));
    JsonObject issue = response.bodyAsJsonObject().getJsonArray("issue").getJsonObject(0);
    assertEquals("OperationOutcome", response.bodyAsJsonObject().getString("resourceType"));
    assertEquals("login", issue.getString("code"));

    var basic = get("/fhir/Patient/1", Map.of("Authorization", "Basic YWRtaW46YWRtaW4="));
    assertEquals(401, basic.statusCode());
    assertEquals("Bearer realm=\"bastion\"", basic.getHeader("WWW-Authenticate"));
  }

  @Test
  void brokenAuthorizationHeadersAreBadRequests() {
    for (String header : List.of("Bearer", "Bearer    ", "Bearer a b")) {
      var response = get("/fhir/Patient/1", Map.of("Authorization", header));
      assertEquals(400, response.statusCode(), header);
      assertTrue(response.getHeader("WWW-Authenticate").contains("error=\"invalid_request\""));
    }
    var twice = loop.await(() -> client.get("/fhir/Patient/1")
        .putHeader("Authorization", List.of("Bearer a.b.c", "Bearer d.e.f")).send(), 30);
    assertEquals(400, twice.statusCode());
  }

  @Test
  void aRefusedTokenIsAnswered401WithItsReasonNeverItsContent() {
    long now = clock.epochSecond();
    String expired = TestKeys.sign(rsa, claims("user/*.rs").put("exp", now - 3600));
    double before = registry.counter("bastion.auth.tokens", "outcome", "expired").count();
    var response = get("/fhir/Patient/1", expired);
    assertEquals(401, response.statusCode());
    assertEquals("Bearer realm=\"bastion\", error=\"invalid_token\", error_description=\"the token has expired\"",
        response.getHeader("WWW-Authenticate"));
    assertEquals("the token has expired",
        response.bodyAsJsonObject().getJsonArray("issue").getJsonObject(0).getString("diagnostics"));
    assertFalse(response.bodyAsString().contains(expired.substring(0, 20)));
    assertEquals(before + 1, registry.counter("bastion.auth.tokens", "outcome", "expired").count());

    var none = get("/fhir/Patient/1", TestKeys.part(new JsonObject().put("alg", "none")) + "." + TestKeys.part(claims("user/*.rs")) + ".");
    assertEquals(401, none.statusCode());
    assertTrue(none.getHeader("WWW-Authenticate").contains("error_description=\"unsigned tokens are not accepted\""));
  }

  @Test
  void aValidTokenReachesTheRouteWithItsPrincipalAndDecision() {
    var response = get("/fhir/Observation/obs-1", TestKeys.sign(rsa, claims("launch/patient patient/Observation.rs")));
    assertEquals(200, response.statusCode(), response.bodyAsString());
    JsonObject body = response.bodyAsJsonObject();
    assertEquals("user-42", body.getString("sub"));
    assertEquals("ward-app", body.getString("client"));
    assertEquals("pat-7", body.getString("compartment"));
    assertEquals("granted by patient/Observation.rs", body.getString("reason"));
    assertTrue(registry.counter("bastion.auth.tokens", "outcome", "accepted").count() >= 1);
  }

  @Test
  void aValidTokenWithoutTheScopeIsForbidden() {
    var response = get("/fhir/Patient/pat-7", TestKeys.sign(rsa, claims("patient/Observation.rs")));
    assertEquals(403, response.statusCode());
    String challenge = response.getHeader("WWW-Authenticate");
    assertTrue(challenge.startsWith("Bearer realm=\"bastion\", error=\"insufficient_scope\", error_description=\"no scope grants read on Patient"), challenge);
    assertEquals("forbidden", response.bodyAsJsonObject().getJsonArray("issue").getJsonObject(0).getString("code"));
  }

  @Test
  void metadataIsPublicAndOnlyMetadata() {
    assertEquals(200, get("/fhir/metadata", Map.of()).statusCode());
    assertEquals(200, get("/fhir/metadata", "not-even-a-token").statusCode());
    assertEquals(401, get("/fhir/metadata/../Patient/1", Map.of()).statusCode(), "normalised before matching");
    assertEquals(401, get("/fhir//metadata2", Map.of()).statusCode());
  }

  @Test
  void aBodyWaitsWhileANewKeyIsFetched() {
    TestKeys.Key rotated = TestKeys.rsa("rsa-rotated");
    idp.publish(List.of(rsa.jwk(), rotated.jwk()));
    clock.advance(Duration.ofSeconds(61));
    String token = TestKeys.sign(rotated, claims("user/Observation.c"));
    var response = loop.await(() -> client.post("/fhir/Observation").putHeader("Authorization", "Bearer " + token)
        .sendBuffer(Buffer.buffer("x".repeat(3000))), 30);
    assertEquals(201, response.statusCode(), response.bodyAsString());
    assertEquals("received 3000 bytes", response.bodyAsString());
  }

  @Test
  void outsideFhirTheRefusalIsProblemJson() {
    var response = get("/api/thing", Map.of());
    assertEquals(401, response.statusCode());
    assertEquals("application/problem+json", response.getHeader("Content-Type"));
    assertEquals(401, response.bodyAsJsonObject().getInteger("status"));
  }

  @Test
  void anUnreachableProviderIs503WithRetryAfter() {
    try (JwksServer down = JwksServer.start(vertx)) {
      down.failWith(500);
      TokenVerifier v = TokenVerifier.create(vertx, TokenVerifierTest.config(down.url()), clock).await();
      Router router = Router.router(vertx);
      router.route().handler(BearerAuthenticationHandler.create(v, registry)).handler(ctx -> ctx.end("ok"));
      HttpServer s = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
      try {
        var response = loop.await(() -> client.get(s.actualPort(), "127.0.0.1", "/fhir/Patient/1")
            .putHeader("Authorization", "Bearer " + TestKeys.sign(rsa, claims("user/*.rs"))).send(), 30);
        assertEquals(503, response.statusCode());
        assertEquals("30", response.getHeader("Retry-After"));
        assertNull(response.getHeader("WWW-Authenticate"), "the token is not at fault");
      } finally {
        s.close().await();
        v.close();
      }
    }
  }

  @Test
  void theRouterRefusesAuthorisationBeforeAuthentication() {
    Router router = Router.router(vertx);
    var route = router.get("/x").handler(SmartScopeHandler.require(new AccessPolicy(), Interaction.READ));
    assertThrows(IllegalStateException.class, () -> route.handler(BearerAuthenticationHandler.create(verifier, registry)));
  }
}
