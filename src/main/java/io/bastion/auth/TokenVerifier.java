package io.bastion.auth;

import static io.bastion.CallerContext.onCallerContext;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.NoSuchKeyIdException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies OAuth2 bearer JWTs and turns them into {@link Principal}s.
 * <p>
 * Structure, header and algorithm are checked here first, so every refusal has a precise
 * {@link TokenFailure}: size, three base64url segments, JSON header and payload, {@code alg} not
 * {@code none} and on the allow-list, no {@code crit}, a known {@code kid} whose key has that algorithm.
 * The signature is then verified by vertx-auth-jwt ({@link io.vertx.ext.auth.jwt.JWTAuth}), keyed by
 * algorithm, so an HS256 token can never be checked against an RSA public key. Finally {@code iss},
 * {@code aud}, {@code exp}, {@code nbf} and {@code iat} are checked against an injected clock with a
 * bounded skew. The token itself never reaches a log line or an exception message.
 * <p>
 * Event-loop safe: a token seen before completes synchronously from the cache of verified tokens. The signature
 * check of a new one leaves the event loop (an ES256 check costs ~1 ms of the JDK's ECDSA, and a flood of forged
 * tokens under a published {@code kid} must not hold the loops that serve everyone else): it runs on one worker
 * thread, so such a flood takes at most one core, and beyond {@link #MAX_CHECKS_WAITING} waiting checks a new
 * token is refused at once with {@link TokenFailure#BUSY} (503, retry). A JWKS fetch is asynchronous too. Either
 * result is handed back on the caller's context.
 */
public final class TokenVerifier {

  private static final Logger LOG = LoggerFactory.getLogger(TokenVerifier.class);
  private static final Base64.Decoder B64URL = Base64.getUrlDecoder();
  private static final Base64.Encoder B64URL_OUT = Base64.getUrlEncoder().withoutPadding();
  private static final int MAX_KID_LENGTH = 256;
  /** At ~1 ms per ES256 check, a new token waits at most ~64 ms for the worker before it is refused as BUSY. */
  static final int MAX_CHECKS_WAITING = 64;

  private final AuthConfig config;
  private final Clock clock;
  private final KeyRing keys;
  private final Set<String> accepted;
  private final long skewSeconds;
  private final VerifiedTokens verified;
  /** Bastion's own issuer and keys, or null when its token endpoint is off. */
  private final LocalIssuer local;
  private final WorkerExecutor signatureChecks;
  private final AtomicInteger checksWaiting = new AtomicInteger();

  private TokenVerifier(Vertx vertx, AuthConfig config, Clock clock, KeyRing keys, LocalIssuer local) {
    this.signatureChecks = vertx.createSharedWorkerExecutor("bastion-token-signatures", 1);
    this.config = config;
    this.clock = clock;
    this.keys = keys;
    this.local = local;
    this.accepted = config.acceptedAlgorithms();
    this.skewSeconds = config.clockSkew().toSeconds();
    this.verified = config.verifiedCacheEntries() > 0 ? new VerifiedTokens(config.verifiedCacheEntries()) : null;
  }

  /**
   * Reads the static PEM keys (off the event loop), builds the key ring and tries a first JWKS fetch. A
   * provider that is down does not stop the start: requests then fail with keys_unavailable until it
   * answers. A PEM file that cannot be used does.
   */
  public static Future<TokenVerifier> create(Vertx vertx, AuthConfig config, Clock clock) {
    return create(vertx, config, clock, null);
  }

  /** As above, also accepting tokens Bastion issued itself, verified with {@code local}'s keys. */
  public static Future<TokenVerifier> create(Vertx vertx, AuthConfig config, Clock clock, LocalIssuer local) {
    List<Future<List<JsonObject>>> reads = new ArrayList<>();
    for (var file : config.publicKeyFiles()) {
      reads.add(vertx.fileSystem().readFile(file.toString()).map(pem -> {
        try {
          return Jwks.fromPem(pem.toString(StandardCharsets.US_ASCII), config.algorithms());
        } catch (RuntimeException e) {
          throw new IllegalArgumentException("auth.public-key-files: " + file + " cannot be used: " + e.getMessage(), e);
        }
      }));
    }
    return Future.all(reads).compose(all -> {
      List<JsonObject> statics = new ArrayList<>();
      for (Future<List<JsonObject>> read : reads) {
        statics.addAll(read.result());
      }
      if (!config.hs256Secret().isEmpty()) {
        statics.add(Jwks.hs256(config.hs256Secret()));
      }
      // the first use of the JCA key factories loads providers: not on an event loop
      return vertx.executeBlocking(() -> new KeyRing(vertx, config, clock, statics), false);
    }).compose(ring -> {
      TokenVerifier verifier = new TokenVerifier(vertx, config, clock, ring, local);
      if (!config.issuer().isEmpty()) {
        LOG.info("bearer tokens: issuer {}, audience {}, {} static keys, JWKS {}, algorithms {}", config.issuer(),
            config.audience(), ring.staticKeyCount(), config.jwksUrl() == null ? "none" : config.jwksUrl(), verifier.accepted);
      }
      if (local != null) {
        LOG.info("bearer tokens: Bastion's own token endpoint is an issuer, verified with its local key ring");
      }
      return ring.refetch().map(loaded -> verifier);
    });
  }

  /** Verifies a compact JWS; fails with a {@link TokenException} naming the reason. */
  public Future<Principal> verify(String token) {
    try {
      if (token == null || token.isEmpty()) {
        throw new TokenException(TokenFailure.MISSING);
      }
      if (token.length() > config.maxTokenBytes()) {
        throw new TokenException(TokenFailure.OVERSIZED);
      }
      String cacheKey = null;
      if (verified != null) {
        cacheKey = VerifiedTokens.key(token);
        Principal known = verified.get(cacheKey, clock.millis() / 1000 - skewSeconds);
        if (known != null) {
          return Future.succeededFuture(known);
        }
      }
      Parsed parsed = parse(token, cacheKey);
      if (local != null && local.issuer() != null && local.issuer().equals(parsed.claims.getValue("iss"))) {
        return verifyLocal(token, parsed);
      }
      if (!accepted.contains(parsed.alg)) {
        throw new TokenException(TokenFailure.ALG_NOT_ALLOWED);
      }
      if (config.issuer().isEmpty()) {
        throw new TokenException(TokenFailure.WRONG_ISSUER); // no external identity provider configured
      }
      KeySet current = keys.current();
      KeySet.Lookup lookup = current.lookup(parsed.alg, parsed.kid);
      if (lookup == KeySet.Lookup.FOUND) {
        return checkedOffLoop(current, token, parsed, config.issuer(), config.audience());
      }
      if (lookup == KeySet.Lookup.ALG_MISMATCH) {
        throw new TokenException(TokenFailure.ALG_KEY_MISMATCH);
      }
      return onCallerContext(keys.refetch().map(refreshed -> switch (refreshed.lookup(parsed.alg, parsed.kid)) {
        case FOUND -> check(refreshed, token, parsed);
        case ALG_MISMATCH -> throw new TokenException(TokenFailure.ALG_KEY_MISMATCH);
        case NOT_FOUND -> throw new TokenException(keys.jwksLoaded() || !refreshed.isEmpty()
            ? TokenFailure.UNKNOWN_KID : TokenFailure.KEYS_UNAVAILABLE);
      }));
    } catch (TokenException e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * A token whose iss is Bastion itself: only Bastion's signing algorithms and keys, and its FHIR base as
   * the audience. An unknown kid asks the key server to reload once (another node may have rotated).
   */
  private Future<Principal> verifyLocal(String token, Parsed parsed) {
    if (!LocalIssuer.ALGORITHMS.contains(parsed.alg)) {
      throw new TokenException(TokenFailure.ALG_NOT_ALLOWED);
    }
    KeySet current = local.keys();
    KeySet.Lookup lookup = current.lookup(parsed.alg, parsed.kid);
    if (lookup == KeySet.Lookup.FOUND) {
      return checkedOffLoop(current, token, parsed, local.issuer(), List.of(local.fhirAudience()));
    }
    if (lookup == KeySet.Lookup.ALG_MISMATCH || parsed.kid == null) {
      throw new TokenException(lookup == KeySet.Lookup.ALG_MISMATCH ? TokenFailure.ALG_KEY_MISMATCH : TokenFailure.UNKNOWN_KID);
    }
    return onCallerContext(local.refresh().transform(done -> {
      KeySet reloaded = local.keys();
      if (reloaded.lookup(parsed.alg, parsed.kid) != KeySet.Lookup.FOUND) {
        return Future.failedFuture(new TokenException(TokenFailure.UNKNOWN_KID));
      }
      try {
        return Future.succeededFuture(check(reloaded, token, parsed, local.issuer(), List.of(local.fhirAudience())));
      } catch (TokenException e) {
        return Future.failedFuture(e);
      }
    }));
  }

  /** The JWKS circuit breaker state (CLOSED, OPEN, HALF_OPEN), or null without a JWKS URL. */
  public String jwksCircuit() {
    return keys.breakerState() == null ? null : keys.breakerState().name();
  }

  public AuthConfig config() {
    return config;
  }

  public void close() {
    keys.close();
    signatureChecks.close();
  }

  private record Parsed(String alg, String kid, JsonObject claims, String cacheKey) {
  }

  private Parsed parse(String token, String cacheKey) {
    int first = token.indexOf('.');
    int second = first < 0 ? -1 : token.indexOf('.', first + 1);
    if (first <= 0) {
      throw new TokenException(TokenFailure.MALFORMED);
    }
    JsonObject header = json(token.substring(0, first));
    Object alg = header.getValue("alg");
    if (!(alg instanceof String algName)) {
      throw new TokenException(TokenFailure.MALFORMED);
    }
    if (algName.toLowerCase(Locale.ROOT).equals("none")) {
      throw new TokenException(TokenFailure.ALG_NONE);
    }
    if (second < 0 || second == token.length() - 1 || token.indexOf('.', second + 1) >= 0) {
      throw new TokenException(TokenFailure.MALFORMED); // unsigned, or not a compact JWS (a JWE has 5 parts)
    }
    if (!accepted.contains(algName) && !(local != null && LocalIssuer.ALGORITHMS.contains(algName))) {
      throw new TokenException(TokenFailure.ALG_NOT_ALLOWED);
    }
    if (header.containsKey("crit")) {
      throw new TokenException(TokenFailure.UNSUPPORTED_HEADER);
    }
    Object kid = header.getValue("kid");
    if (kid != null && (!(kid instanceof String text) || text.isEmpty() || text.length() > MAX_KID_LENGTH)) {
      throw new TokenException(TokenFailure.MALFORMED);
    }
    JsonObject claims = json(token.substring(first + 1, second));
    checkClaimTypes(claims);
    base64(token.substring(second + 1));
    return new Parsed(algName, (String) kid, claims, cacheKey);
  }

  /**
   * {@link #check} on the signature worker when called on an event loop (see the class comment); elsewhere (a
   * benchmark, a worker) where it is called.
   */
  private Future<Principal> checkedOffLoop(KeySet keySet, String token, Parsed parsed, String issuer,
      List<String> audience) {
    if (!Context.isOnEventLoopThread()) {
      return Future.succeededFuture(check(keySet, token, parsed, issuer, audience));
    }
    if (checksWaiting.incrementAndGet() > MAX_CHECKS_WAITING) {
      checksWaiting.decrementAndGet();
      throw new TokenException(TokenFailure.BUSY);
    }
    Future<Principal> checked = signatureChecks.executeBlocking(() -> check(keySet, token, parsed, issuer, audience),
        false);
    return onCallerContext(checked.onComplete(done -> checksWaiting.decrementAndGet()));
  }

  private Principal check(KeySet keySet, String token, Parsed parsed) {
    return check(keySet, token, parsed, config.issuer(), config.audience());
  }

  private Principal check(KeySet keySet, String token, Parsed parsed, String issuer, List<String> audience) {
    try {
      // JWTAuth completes synchronously: a failed future here is a refused signature
      Future<?> verified = keySet.auth().authenticate(new TokenCredentials(token));
      if (verified.failed()) {
        throw new TokenException(verified.cause() instanceof NoSuchKeyIdException
            ? TokenFailure.UNKNOWN_KID : TokenFailure.BAD_SIGNATURE);
      }
    } catch (TokenException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new TokenException(TokenFailure.BAD_SIGNATURE); // e.g. an EC signature of the wrong length
    }
    Principal principal = claims(parsed.claims, issuer, audience);
    if (parsed.cacheKey != null) {
      verified.put(parsed.cacheKey, principal, principal.expiresAt().getEpochSecond());
    }
    return principal;
  }

  /**
   * The shape of the claims, checked before the signature (it reveals nothing): the library reads
   * exp, nbf and iat as numbers and must not meet anything else.
   */
  private static void checkClaimTypes(JsonObject claims) {
    Object iss = claims.getValue("iss");
    Object exp = claims.getValue("exp");
    Object sub = claims.getValue("sub");
    if (!(iss instanceof String) || !(exp instanceof Number) || !(sub instanceof String s) || s.isEmpty()
        || !claims.containsKey("aud")) {
      throw new TokenException(TokenFailure.MISSING_CLAIM);
    }
    for (String name : List.of("nbf", "iat")) {
      Object value = claims.getValue(name);
      if (value != null && !(value instanceof Number)) {
        throw new TokenException(TokenFailure.MALFORMED);
      }
    }
  }

  private Principal claims(JsonObject claims, String issuer, List<String> audience) {
    Object iss = claims.getValue("iss");
    Object exp = claims.getValue("exp");
    if (!issuer.equals(iss)) {
      throw new TokenException(TokenFailure.WRONG_ISSUER);
    }
    if (!audienceMatches(claims.getValue("aud"), audience)) {
      throw new TokenException(TokenFailure.WRONG_AUDIENCE);
    }
    long now = clock.millis() / 1000;
    long expiresAt = seconds(exp);
    if (now >= expiresAt + skewSeconds) {
      throw new TokenException(TokenFailure.EXPIRED);
    }
    for (String name : List.of("nbf", "iat")) {
      Object value = claims.getValue(name);
      if (value != null && seconds(value) > now + skewSeconds) {
        throw new TokenException(TokenFailure.NOT_YET_VALID);
      }
    }
    return Principal.fromClaims(claims, Instant.ofEpochSecond(expiresAt));
  }

  private static boolean audienceMatches(Object aud, List<String> audience) {
    if (aud instanceof String single) {
      return audience.contains(single);
    }
    if (aud instanceof JsonArray list) {
      for (Object item : list) {
        if (item instanceof String s && audience.contains(s)) {
          return true;
        }
      }
    }
    return false;
  }

  private static long seconds(Object numericDate) {
    double value = ((Number) numericDate).doubleValue();
    if (Double.isNaN(value) || value > 1e15 || value < -1e15) {
      throw new TokenException(TokenFailure.MALFORMED);
    }
    return (long) Math.floor(value);
  }

  private static JsonObject json(String segment) {
    byte[] bytes = base64(segment);
    try {
      Object parsed = io.vertx.core.json.Json.decodeValue(io.vertx.core.buffer.Buffer.buffer(bytes));
      if (parsed instanceof JsonObject object) {
        return object;
      }
    } catch (RuntimeException e) {
      // fall through
    }
    throw new TokenException(TokenFailure.MALFORMED);
  }

  /** Strict base64url: the URL alphabet only, no padding, no whitespace. */
  private static byte[] base64(String segment) {
    if (segment.isEmpty()) {
      throw new TokenException(TokenFailure.MALFORMED);
    }
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      if (!ok) {
        throw new TokenException(TokenFailure.MALFORMED);
      }
    }
    byte[] bytes;
    try {
      bytes = B64URL.decode(segment);
    } catch (IllegalArgumentException e) {
      throw new TokenException(TokenFailure.MALFORMED);
    }
    // canonical only: a last character with unused bits set decodes to the same bytes, so one token
    // would have several spellings (and cache keys, and audit fingerprints)
    if (segment.length() % 4 != 0 && !B64URL_OUT.encodeToString(bytes).equals(segment)) {
      throw new TokenException(TokenFailure.MALFORMED);
    }
    return bytes;
  }
}
