package io.bastion.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.bastion.testsupport.BlockedThreadWatch;
import io.bastion.testsupport.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JWT attack matrix against the real verifier, with keys generated here and a real local JWKS server:
 * every refusal must carry its precise reason, and every valid token must pass.
 */
class TokenVerifierTest {

  static final String ISSUER = "https://idp.test/realms/bastion";
  static final String AUDIENCE = "https://bastion.test/fhir";

  static Vertx vertx;
  static JwksServer jwks;
  static TestKeys.Key rsa;
  static TestKeys.Key ec;
  static TestKeys.Key ed;
  static TestKeys.Key stranger;
  static MutableClock clock;
  static TokenVerifier verifier;

  @BeforeAll
  static void startIdentityProvider() {
    vertx = Vertx.vertx(TestNode.vertxOptions());
    rsa = TestKeys.rsa("rsa-1");
    ec = TestKeys.ec("ec-1");
    ed = TestKeys.ed25519("ed-1");
    stranger = TestKeys.rsa("rsa-1"); // same kid, different key: a forger's
    jwks = JwksServer.start(vertx);
    jwks.publish(List.of(rsa.jwk(), ec.jwk(), ed.jwk(),
        // a symmetric key in a JWKS must never become a verification key
        new JsonObject().put("kty", "oct").put("kid", "sym").put("k", TestKeys.B64.encodeToString(TestKeys.bytes("jwks-secret-jwks-secret-jwks-secret")))));
    clock = new MutableClock();
    verifier = TokenVerifier.create(vertx, config(jwks.url()), clock).await();
  }

  @AfterAll
  static void stop() {
    verifier.close();
    jwks.close();
    vertx.close().await();
  }

  @BeforeEach
  void resetProvider() {
    BlockedThreadWatch.drain();
  }

  @AfterEach
  void noBlockedEventLoop() {
    assertEquals(List.of(), BlockedThreadWatch.drain(), "event loop blocked during the test");
  }

  static AuthConfig config(String jwksUrl) {
    return config(jwksUrl, List.of(), "", Duration.ofSeconds(60), Duration.ofSeconds(30));
  }

  static AuthConfig config(String jwksUrl, List<Path> pem, String secret, Duration minRefetch, Duration breakerReset) {
    return new AuthConfig(true, ISSUER, List.of(AUDIENCE), jwksUrl == null ? null : URI.create(jwksUrl), pem, secret,
        Set.of("RS256", "ES256", "EdDSA"), Duration.ofSeconds(60), 8192, Duration.ofHours(1), minRefetch,
        Duration.ofMillis(1000), 3, breakerReset, 1000);
  }

  static JsonObject claims() {
    return claimsAt(clock);
  }

  static JsonObject claimsAt(MutableClock time) {
    long now = time.epochSecond();
    return new JsonObject().put("iss", ISSUER).put("aud", AUDIENCE).put("sub", "user-42")
        .put("exp", now + 300).put("iat", now - 5).put("nbf", now - 5)
        .put("client_id", "ward-app").put("scope", "openid launch/patient patient/Observation.rs user/Patient.read")
        .put("patient", "pat-7").put("fhirUser", "Practitioner/dr-1").put("roles", new JsonArray().add("clinician"));
  }

  static JsonObject claims(Function<JsonObject, JsonObject> change) {
    return change.apply(claims());
  }

  static TokenFailure refusal(TokenVerifier v, String token) {
    try {
      Principal p = v.verify(token).await(10, TimeUnit.SECONDS);
      return fail("accepted, expected a refusal: " + p);
    } catch (TokenException e) {
      return e.reason();
    } catch (Exception e) {
      return fail("unexpected failure " + e);
    }
  }

  static Principal accepted(TokenVerifier v, String token) {
    try {
      return v.verify(token).await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      return fail("refused: " + e.getMessage());
    }
  }

  @Test
  void validTokensOfEveryAlgorithmPassAndBecomePrincipals() {
    for (TestKeys.Key key : List.of(rsa, ec, ed)) {
      Principal p = accepted(verifier, TestKeys.sign(key, claims()));
      assertEquals("user-42", p.subject(), key.alg());
      assertEquals("ward-app", p.clientId());
      assertEquals("pat-7", p.patient());
      assertEquals("Practitioner/dr-1", p.fhirUser());
      assertEquals(Set.of("clinician"), p.roles());
      assertEquals(2, p.scopes().resourceScopes().size());
      assertEquals(List.of("openid", "launch/patient"), p.scopes().otherScopes());
      assertEquals(clock.epochSecond() + 300, p.expiresAt().getEpochSecond());
    }
  }

  /** name, token, expected reason. */
  static Stream<Arguments> attacks() {
    long now = clock.epochSecond();
    String valid = TestKeys.sign(rsa, claims());
    String[] parts = valid.split("\\.");
    JsonObject noneHeader = new JsonObject().put("alg", "none").put("typ", "JWT");
    String tamperedPayload = TestKeys.part(claims(c -> c.put("sub", "admin").put("scope", "user/*.cruds")));
    byte[] rsaPublicPem = TestKeys.bytes(rsa.publicPem());
    List<Arguments> cases = new ArrayList<>();
    cases.add(Arguments.of("alg none, empty signature", TestKeys.part(noneHeader) + "." + parts[1] + ".", TokenFailure.ALG_NONE));
    cases.add(Arguments.of("alg none, two segments", TestKeys.part(noneHeader) + "." + parts[1], TokenFailure.ALG_NONE));
    cases.add(Arguments.of("alg NoNe, real signature kept", TestKeys.part(noneHeader.copy().put("alg", "NoNe")) + "." + parts[1] + "." + parts[2], TokenFailure.ALG_NONE));
    cases.add(Arguments.of("HS256 keyed with the RSA public key PEM (key confusion)",
        TestKeys.hs256(rsaPublicPem, new JsonObject().put("kid", "rsa-1"), claims()), TokenFailure.ALG_NOT_ALLOWED));
    cases.add(Arguments.of("HS256 keyed with the symmetric key a JWKS leaked",
        TestKeys.hs256(TestKeys.bytes("jwks-secret-jwks-secret-jwks-secret"), new JsonObject().put("kid", "sym"), claims()), TokenFailure.ALG_NOT_ALLOWED));
    cases.add(Arguments.of("tampered payload, original signature", parts[0] + "." + tamperedPayload + "." + parts[2], TokenFailure.BAD_SIGNATURE));
    cases.add(Arguments.of("tampered signature", parts[0] + "." + parts[1] + "." + TestKeys.flipFirstChar(parts[2]), TokenFailure.BAD_SIGNATURE));
    cases.add(Arguments.of("non-canonical base64 (unused bits set)", parts[0] + "." + parts[1] + "." + TestKeys.flipLastChar(parts[2]), TokenFailure.MALFORMED));
    cases.add(Arguments.of("signed by another key under a known kid", TestKeys.sign(stranger, claims()), TokenFailure.BAD_SIGNATURE));
    cases.add(Arguments.of("ES256 signature cut short", TestKeys.sign(ec, claims()).substring(0, TestKeys.sign(ec, claims()).length() - 10), TokenFailure.BAD_SIGNATURE));
    cases.add(Arguments.of("expired beyond the skew", TestKeys.sign(rsa, claims(c -> c.put("exp", now - 61))), TokenFailure.EXPIRED));
    cases.add(Arguments.of("not yet valid beyond the skew", TestKeys.sign(rsa, claims(c -> c.put("nbf", now + 61))), TokenFailure.NOT_YET_VALID));
    cases.add(Arguments.of("issued in the future beyond the skew", TestKeys.sign(rsa, claims(c -> c.put("iat", now + 3600))), TokenFailure.NOT_YET_VALID));
    cases.add(Arguments.of("wrong issuer", TestKeys.sign(rsa, claims(c -> c.put("iss", "https://evil.test"))), TokenFailure.WRONG_ISSUER));
    cases.add(Arguments.of("issuer differs only by a trailing slash", TestKeys.sign(rsa, claims(c -> c.put("iss", ISSUER + "/"))), TokenFailure.WRONG_ISSUER));
    cases.add(Arguments.of("wrong audience", TestKeys.sign(rsa, claims(c -> c.put("aud", "https://other.test/fhir"))), TokenFailure.WRONG_AUDIENCE));
    cases.add(Arguments.of("audience list without ours", TestKeys.sign(rsa, claims(c -> c.put("aud", new JsonArray().add("a").add("b")))), TokenFailure.WRONG_AUDIENCE));
    cases.add(Arguments.of("no exp", TestKeys.sign(rsa, claims(c -> { c.remove("exp"); return c; })), TokenFailure.MISSING_CLAIM));
    cases.add(Arguments.of("exp as text", TestKeys.sign(rsa, claims(c -> c.put("exp", "tomorrow"))), TokenFailure.MISSING_CLAIM));
    cases.add(Arguments.of("nbf as text", TestKeys.sign(rsa, claims(c -> c.put("nbf", "soon"))), TokenFailure.MALFORMED));
    cases.add(Arguments.of("no sub", TestKeys.sign(rsa, claims(c -> { c.remove("sub"); return c; })), TokenFailure.MISSING_CLAIM));
    cases.add(Arguments.of("oversized (a 9 KiB claim)", TestKeys.sign(rsa, claims(c -> c.put("pad", "x".repeat(9 * 1024)))), TokenFailure.OVERSIZED));
    cases.add(Arguments.of("standard base64 alphabet ('+', '/')", parts[0] + "." + parts[1].replace('-', '+').replace('_', '/') + "+/." + parts[2], TokenFailure.MALFORMED));
    cases.add(Arguments.of("base64 padding", parts[0] + "==." + parts[1] + "." + parts[2], TokenFailure.MALFORMED));
    cases.add(Arguments.of("header not JSON", TestKeys.B64.encodeToString(TestKeys.bytes("not json")) + "." + parts[1] + "." + parts[2], TokenFailure.MALFORMED));
    cases.add(Arguments.of("header a JSON array", TestKeys.B64.encodeToString(TestKeys.bytes("[\"RS256\"]")) + "." + parts[1] + "." + parts[2], TokenFailure.MALFORMED));
    cases.add(Arguments.of("payload not JSON", parts[0] + "." + TestKeys.B64.encodeToString(TestKeys.bytes("{\"sub\":")) + "." + parts[2], TokenFailure.MALFORMED));
    cases.add(Arguments.of("four segments", valid + ".x", TokenFailure.MALFORMED));
    cases.add(Arguments.of("one segment", parts[0], TokenFailure.MALFORMED));
    cases.add(Arguments.of("empty segments", "..", TokenFailure.MALFORMED));
    cases.add(Arguments.of("kid not a string", TestKeys.sign(rsa, new JsonObject().put("alg", "RS256").put("kid", 7), claims()), TokenFailure.MALFORMED));
    cases.add(Arguments.of("crit header", TestKeys.sign(rsa, new JsonObject().put("alg", "RS256").put("kid", "rsa-1").put("crit", new JsonArray().add("exp")), claims()), TokenFailure.UNSUPPORTED_HEADER));
    cases.add(Arguments.of("RS256 header on the EC key's kid", TestKeys.sign(rsa, new JsonObject().put("alg", "RS256").put("kid", "ec-1"), claims()), TokenFailure.ALG_KEY_MISMATCH));
    cases.add(Arguments.of("ES256 header on the RSA key's kid", TestKeys.sign(ec, new JsonObject().put("alg", "ES256").put("kid", "rsa-1"), claims()), TokenFailure.ALG_KEY_MISMATCH));
    cases.add(Arguments.of("EdDSA header on the RSA key's kid", TestKeys.sign(ed, new JsonObject().put("alg", "EdDSA").put("kid", "rsa-1"), claims()), TokenFailure.ALG_KEY_MISMATCH));
    cases.add(Arguments.of("RS512, not on the allow-list", TestKeys.part(new JsonObject().put("alg", "RS512").put("kid", "rsa-1")) + "." + parts[1] + "." + parts[2], TokenFailure.ALG_NOT_ALLOWED));
    cases.add(Arguments.of("PS256, not on the allow-list", TestKeys.part(new JsonObject().put("alg", "PS256").put("kid", "rsa-1")) + "." + parts[1] + "." + parts[2], TokenFailure.ALG_NOT_ALLOWED));
    cases.add(Arguments.of("no alg", TestKeys.part(new JsonObject().put("kid", "rsa-1")) + "." + parts[1] + "." + parts[2], TokenFailure.MALFORMED));
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("attacks")
  void attackIsRefusedWithItsReason(String name, String token, TokenFailure expected) {
    assertEquals(expected, refusal(verifier, token), name);
  }

  @Test
  void skewIsToleratedUpToItsBound() {
    long now = clock.epochSecond();
    accepted(verifier, TestKeys.sign(rsa, claims(c -> c.put("exp", now - 59))));
    accepted(verifier, TestKeys.sign(rsa, claims(c -> c.put("nbf", now + 59).put("iat", now + 59))));
    accepted(verifier, TestKeys.sign(rsa, claims(c -> c.put("aud", new JsonArray().add("other").add(AUDIENCE)))));
  }

  @Test
  void theTokenNeverAppearsInAFailure() {
    String token = TestKeys.sign(rsa, claims(c -> c.put("iss", "https://evil.test")));
    TokenException e = assertThrows(TokenException.class, () -> verifier.verify(token).await());
    assertEquals("wrong_issuer", e.getMessage());
    assertEquals(0, e.getStackTrace().length, "no stack trace to leak or to pay for");
  }

  @Test
  void hs256KeyConfusionFailsTheSignatureEvenWhenHs256IsConfigured() {
    TokenVerifier withSecret = TokenVerifier.create(vertx,
        config(jwks.url(), List.of(), "a-shared-secret-of-at-least-32-chars!", Duration.ofSeconds(60), Duration.ofSeconds(30)), clock).await();
    try {
      accepted(withSecret, TestKeys.hs256(TestKeys.bytes("a-shared-secret-of-at-least-32-chars!"), new JsonObject(), claims()));
      // naming the RSA key's kid is caught before any HMAC is computed; without a kid the HMAC fails
      assertEquals(TokenFailure.ALG_KEY_MISMATCH, refusal(withSecret,
          TestKeys.hs256(TestKeys.bytes(rsa.publicPem()), new JsonObject().put("kid", "rsa-1"), claims())));
      assertEquals(TokenFailure.BAD_SIGNATURE, refusal(withSecret,
          TestKeys.hs256(TestKeys.bytes(rsa.publicPem()), new JsonObject(), claims())));
      assertEquals(TokenFailure.BAD_SIGNATURE, refusal(withSecret,
          TestKeys.hs256(rsa.pair().getPublic().getEncoded(), new JsonObject(), claims())));
      accepted(withSecret, TestKeys.sign(rsa, claims())); // asymmetric keys still work beside it
    } finally {
      withSecret.close();
    }
  }

  @Test
  void unknownKidRefetchesAtMostOncePerIntervalThenPicksUpARotatedKey() {
    try (JwksServer idp = JwksServer.start(vertx)) {
      idp.publish(List.of(rsa.jwk()));
      MutableClock time = new MutableClock();
      TokenVerifier v = TokenVerifier.create(vertx, config(idp.url()), time).await();
      try {
        assertEquals(1, idp.hits(), "fetched once at start");
        TestKeys.Key rotated = stranger.withKid("rsa-2");
        String next = TestKeys.sign(rotated, claimsAt(time));

        time.advance(Duration.ofSeconds(61));
        assertEquals(TokenFailure.UNKNOWN_KID, refusal(v, next));
        assertEquals(2, idp.hits(), "an unknown kid refetches the JWKS");
        for (int i = 0; i < 20; i++) {
          assertEquals(TokenFailure.UNKNOWN_KID, refusal(v, TestKeys.sign(stranger.withKid("forged-" + i), claimsAt(time))));
        }
        assertEquals(2, idp.hits(), "forged kids within the interval do not reach the provider");

        idp.publish(List.of(rsa.jwk(), rotated.jwk()));
        time.advance(Duration.ofSeconds(30));
        assertEquals(TokenFailure.UNKNOWN_KID, refusal(v, next), "still inside the interval");
        assertEquals(2, idp.hits());
        time.advance(Duration.ofSeconds(31));
        assertEquals("user-42", accepted(v, next).subject(), "the rotated key is fetched once the interval allows");
        assertEquals(3, idp.hits());
        accepted(v, TestKeys.sign(rsa, claimsAt(time)));
        assertEquals(3, idp.hits(), "known kids never refetch");
      } finally {
        v.close();
      }
    }
  }

  @Test
  void staleKeySetIsRefreshedInTheBackground() {
    try (JwksServer idp = JwksServer.start(vertx)) {
      idp.publish(List.of(rsa.jwk()));
      MutableClock time = new MutableClock();
      TokenVerifier v = TokenVerifier.create(vertx, config(idp.url()), time).await();
      try {
        time.advance(Duration.ofMinutes(61));
        idp.publish(List.of(ec.jwk())); // the provider dropped the RSA key
        accepted(v, TestKeys.sign(rsa, claimsAt(time))); // served from the stale set while it refreshes
        waitFor(() -> idp.hits() == 2);
        waitFor(() -> refusalQuietly(v, TestKeys.sign(rsa, claimsAt(time).put("jti", java.util.UUID.randomUUID().toString())))
            == TokenFailure.UNKNOWN_KID);
        accepted(v, TestKeys.sign(ec, claimsAt(time)));
      } finally {
        v.close();
      }
    }
  }

  @Test
  void circuitOpensWhenTheProviderIsDownAndClosesWhenItRecovers() {
    try (JwksServer idp = JwksServer.start(vertx)) {
      idp.publish(List.of(rsa.jwk()));
      idp.failWith(503);
      MutableClock time = new MutableClock();
      TokenVerifier v = TokenVerifier.create(vertx,
          config(idp.url(), List.of(), "", Duration.ofSeconds(60), Duration.ofSeconds(1)), time).await();
      try {
        assertEquals(1, idp.hits(), "start-up tried once and did not fail the node");
        assertEquals(TokenFailure.KEYS_UNAVAILABLE, refusal(v, TestKeys.sign(rsa, claimsAt(time))));
        assertEquals(TokenFailure.KEYS_UNAVAILABLE, refusal(v, TestKeys.sign(rsa, claimsAt(time))));
        assertEquals(3, idp.hits());
        assertEquals("OPEN", v.jwksCircuit(), "three failures open the circuit");
        long began = System.nanoTime();
        for (int i = 0; i < 50; i++) {
          assertEquals(TokenFailure.KEYS_UNAVAILABLE, refusal(v, TestKeys.sign(rsa, claimsAt(time))));
        }
        long perRequestMicros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - began) / 50;
        assertEquals(3, idp.hits(), "an open circuit sends nothing to the provider");
        assertTrue(perRequestMicros < 50_000, "fails fast: " + perRequestMicros + " us per request");

        idp.failWith(200);
        waitFor(() -> !"OPEN".equals(v.jwksCircuit()));
        accepted(v, TestKeys.sign(rsa, claimsAt(time)));
        assertEquals("CLOSED", v.jwksCircuit());
      } finally {
        v.close();
      }
    }
  }

  @Test
  void cachedKeysKeepWorkingDuringAnOutageAndUnknownKidsStay401() {
    try (JwksServer idp = JwksServer.start(vertx)) {
      idp.publish(List.of(rsa.jwk()));
      MutableClock time = new MutableClock();
      TokenVerifier v = TokenVerifier.create(vertx,
          config(idp.url(), List.of(), "", Duration.ofSeconds(1), Duration.ofSeconds(30)), time).await();
      try {
        idp.failWith(500);
        for (int i = 0; i < 5; i++) {
          time.advance(Duration.ofSeconds(2));
          assertEquals(TokenFailure.UNKNOWN_KID, refusal(v, TestKeys.sign(stranger.withKid("new-" + i), claimsAt(time))));
          accepted(v, TestKeys.sign(rsa, claimsAt(time)));
        }
        assertEquals("OPEN", v.jwksCircuit());
        assertEquals(4, idp.hits(), "start + three failures, then the circuit holds");
      } finally {
        v.close();
      }
    }
  }

  @Test
  void aVerifiedTokenIsRememberedUntilItsExpiryOnly() {
    try (JwksServer idp = JwksServer.start(vertx)) {
      idp.publish(List.of(ec.jwk()));
      MutableClock time = new MutableClock();
      TokenVerifier v = TokenVerifier.create(vertx, config(idp.url()), time).await();
      try {
        String token = TestKeys.sign(ec, claimsAt(time).put("exp", time.epochSecond() + 120));
        Principal first = accepted(v, token);
        assertTrue(first == accepted(v, token), "the second use is answered from the cache");
        String[] p = token.split("\\.");
        assertEquals(TokenFailure.BAD_SIGNATURE, refusal(v, p[0] + "." + p[1] + "." + TestKeys.flipFirstChar(p[2])),
            "a tampered twin is not a cache hit");
        time.advance(Duration.ofSeconds(120 + 59));
        assertTrue(first == accepted(v, token), "still inside exp + skew");
        time.advance(Duration.ofSeconds(2));
        assertEquals(TokenFailure.EXPIRED, refusal(v, token), "a cached token expires like any other");
      } finally {
        v.close();
      }
    }
  }

  @Test
  void staticPemKeysVerifyWithoutAnyJwks(@TempDir Path dir) throws Exception {
    Path rsaPem = Files.writeString(dir.resolve("idp-rsa.pem"), rsa.publicPem());
    Path edPem = Files.writeString(dir.resolve("idp-ed.pem"), ed.publicPem());
    TokenVerifier v = TokenVerifier.create(vertx,
        config(null, List.of(rsaPem, edPem), "", Duration.ofSeconds(60), Duration.ofSeconds(30)), clock).await();
    try {
      assertNull(v.jwksCircuit());
      accepted(v, TestKeys.sign(rsa.withKid(null), claims()));
      accepted(v, TestKeys.sign(rsa.withKid("any-kid"), claims()));
      accepted(v, TestKeys.sign(ed, claims()));
      assertEquals(TokenFailure.UNKNOWN_KID, refusal(v, TestKeys.sign(ec, claims())));
      assertEquals(TokenFailure.BAD_SIGNATURE, refusal(v, TestKeys.sign(stranger.withKid(null), claims())));
      assertEquals(TokenFailure.ALG_NONE, refusal(v, TestKeys.part(new JsonObject().put("alg", "none")) + "." + TestKeys.part(claims())));
    } finally {
      v.close();
    }
  }

  @Test
  void anUnusablePemFileStopsTheStart(@TempDir Path dir) throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.pem"), "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
    Future<TokenVerifier> start = TokenVerifier.create(vertx,
        config(null, List.of(bad), "", Duration.ofSeconds(60), Duration.ofSeconds(30)), clock);
    Exception e = assertThrows(Exception.class, start::await);
    assertTrue(e.getMessage().contains("bad.pem"), e.getMessage());
  }

  @Test
  void aFetchFinishesOnTheCallersEventLoop() throws Exception {
    try (JwksServer idp = JwksServer.start(vertx)) {
      idp.publish(List.of(rsa.jwk()));
      MutableClock time = new MutableClock();
      TokenVerifier v = TokenVerifier.create(vertx, config(idp.url()), time).await();
      try {
        time.advance(Duration.ofSeconds(61));
        var context = vertx.getOrCreateContext();
        String token = TestKeys.sign(stranger.withKid("rsa-9"), claimsAt(time));
        var threads = new java.util.concurrent.CompletableFuture<List<String>>();
        context.runOnContext(x -> {
          String caller = Thread.currentThread().getName();
          v.verify(token).onComplete(r -> threads.complete(List.of(caller, Thread.currentThread().getName())));
        });
        List<String> names = threads.get(10, TimeUnit.SECONDS);
        assertEquals(names.get(0), names.get(1));
        assertEquals(2, idp.hits());
      } finally {
        v.close();
      }
    }
  }


  @Test
  void aNewTokensSignatureIsCheckedOffTheEventLoopAndAKnownOneIsAnsweredAtOnce() throws Exception {
    String token = TestKeys.sign(ec, claims().put("jti", "off-loop"));
    var outcome = new java.util.concurrent.CompletableFuture<List<Object>>();
    vertx.getOrCreateContext().runOnContext(x -> {
      String caller = Thread.currentThread().getName();
      var first = verifier.verify(token);
      boolean firstAtOnce = first.isComplete();
      first.onComplete(r -> {
        boolean secondAtOnce = verifier.verify(token).isComplete();
        outcome.complete(List.of(firstAtOnce, r.succeeded(), caller.equals(Thread.currentThread().getName()), secondAtOnce));
      });
    });
    assertEquals(List.of(false, true, true, true), outcome.get(10, TimeUnit.SECONDS),
        "new token: not complete at once, accepted, answered on the caller's loop; then known: complete at once");
  }

  @Test
  void aFloodOfForgedTokensWaitsForOneWorkerAndTheRestAreRefusedAsBusy() throws Exception {
    TestKeys.Key forger = TestKeys.ec("ec-1"); // the published kid, another key
    int sent = TokenVerifier.MAX_CHECKS_WAITING + 1000;
    List<String> forged = new java.util.ArrayList<>();
    for (int i = 0; i < sent; i++) {
      forged.add(TestKeys.sign(forger, claims().put("jti", "forged-" + i)));
    }
    var reasons = new java.util.concurrent.CompletableFuture<Map<TokenFailure, Integer>>();
    Map<TokenFailure, Integer> counting = new java.util.concurrent.ConcurrentHashMap<>();
    java.util.concurrent.atomic.AtomicInteger left = new java.util.concurrent.atomic.AtomicInteger(sent);
    // sent in loop tasks of 100 (each still more than can wait), back to back: one task sending all of them held
    // the loop past the blocked-thread limit on a loaded machine, by the test's own doing
    var context = vertx.getOrCreateContext();
    for (int from = 0; from < sent; from += 100) {
      List<String> chunk = forged.subList(from, Math.min(sent, from + 100));
      context.runOnContext(x -> {
        for (String token : chunk) {
          verifier.verify(token).onComplete(r -> {
            counting.merge(((TokenException) r.cause()).reason(), 1, Integer::sum);
            if (left.decrementAndGet() == 0) {
              reasons.complete(counting);
            }
          });
        }
      });
    }
    Map<TokenFailure, Integer> counts = reasons.get(60, TimeUnit.SECONDS);
    assertEquals(java.util.Set.of(TokenFailure.BAD_SIGNATURE, TokenFailure.BUSY), counts.keySet(), counts.toString());
    // ~1 ms per ES256 check on one worker: the loop sends faster than it checks, and what waits is bounded
    assertTrue(counts.get(TokenFailure.BAD_SIGNATURE) >= TokenVerifier.MAX_CHECKS_WAITING, counts.toString());
    assertTrue(counts.get(TokenFailure.BUSY) >= sent / 2, counts.toString());
    assertEquals(503, TokenFailure.BUSY.status());
    accepted(verifier, TestKeys.sign(ec, claims().put("jti", "after-the-flood")));
  }

  static TokenFailure refusalQuietly(TokenVerifier v, String token) {
    try {
      v.verify(token).await(10, TimeUnit.SECONDS);
      return null;
    } catch (TokenException e) {
      return e.reason();
    } catch (Exception e) {
      return null;
    }
  }

  static void waitFor(Supplier<Boolean> condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.get()) {
      if (System.nanoTime() > deadline) {
        fail("condition not met within 10 s");
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
