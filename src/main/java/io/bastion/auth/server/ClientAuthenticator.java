package io.bastion.auth.server;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.bastion.auth.LocalIssuer;
import io.vertx.core.Future;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * Who is asking for a token: private_key_jwt (RFC 7523 client assertion, as SMART Backend Services
 * require) or a client secret (client_secret_basic / client_secret_post). Every refusal is
 * {@link OAuthError#client invalid_client} with an internal reason.
 * <p>
 * Assertion checks: size; a compact JWS whose alg is RS256, RS384, ES256 or ES384 (so never none, and
 * never HMAC: an HS256 assertion "signed" with the client's public key is refused by name); iss = sub = a
 * registered, enabled client with keys; aud = this token endpoint; exp present, not passed and at most
 * auth.server.max-assertion-lifetime-seconds ahead; nbf and iat not in the future; a jti; the signature by
 * one of the client's keys of the header's algorithm family and curve; and last, once everything else
 * holds, the jti remembered in the {@link ReplayStore}: a second use is refused.
 */
final class ClientAuthenticator {

  static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
  private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.ES256,
      JWSAlgorithm.ES384);
  /** A well-formed Argon2id hash of nothing anyone knows: unknown clients cost the same as known ones. */
  private static final String DECOY_HASH =
      "$argon2id$v=19$m=47104,t=1,p=1$YmFzdGlvbi1kZWNveS1zYWx0$9sQ6bQ1s4Y8v4mJt8rk1VbqkY3Zg8iK0jYf7k2yqQmA";

  private final ClientRegistry registry;
  private final ClientJwks jwks;
  private final ReplayStore replays;
  private final LocalIssuer issuer;
  private final Clock clock;
  private final long skewSeconds;
  private final Duration maxLifetime;
  private final int maxAssertionBytes;

  ClientAuthenticator(ClientRegistry registry, ClientJwks jwks, ReplayStore replays, LocalIssuer issuer, Clock clock,
      Duration clockSkew, Duration maxLifetime, int maxAssertionBytes) {
    this.registry = registry;
    this.jwks = jwks;
    this.replays = replays;
    this.issuer = issuer;
    this.clock = clock;
    this.skewSeconds = clockSkew.toSeconds();
    this.maxLifetime = maxLifetime;
    this.maxAssertionBytes = maxAssertionBytes;
  }

  /** private_key_jwt: the client whose key signed a valid, fresh, first-used assertion. */
  Future<ApiClient> byAssertion(String assertion, String claimedClientId) {
    if (assertion.length() > maxAssertionBytes) {
      return Future.failedFuture(OAuthError.request("the client assertion is larger than this server accepts"));
    }
    SignedJWT jwt;
    JWTClaimsSet claims;
    try {
      jwt = SignedJWT.parse(assertion);
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      return Future.failedFuture(OAuthError.client("malformed_assertion"));
    }
    JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
    if (!ALGORITHMS.contains(alg) || jwt.getHeader().getCriticalParams() != null) {
      return Future.failedFuture(OAuthError.client("assertion_alg_refused"));
    }
    String iss = claims.getIssuer();
    if (iss == null || !iss.equals(claims.getSubject()) || (claimedClientId != null && !claimedClientId.equals(iss))
        || iss.length() > 128) {
      return Future.failedFuture(OAuthError.client("assertion_iss_sub_mismatch"));
    }
    String problem = timeAndAudience(claims);
    if (problem != null) {
      return Future.failedFuture(OAuthError.client(problem));
    }
    return registry.find(iss).compose(found -> {
      if (found.isEmpty() || found.get().disabled()) {
        return Future.failedFuture(OAuthError.client(found.isEmpty() ? "unknown_client" : "disabled_client"));
      }
      ApiClient client = found.get();
      if (client.secretHash() != null) {
        return Future.failedFuture(OAuthError.client("client_has_no_keys"));
      }
      return verifySignature(client, jwt, false)
          .compose(verified -> verified || jwt.getHeader().getKeyID() == null ? Future.succeededFuture(verified)
              : verifySignature(client, jwt, true))
          .compose(verified -> {
            if (!verified) {
              return Future.failedFuture(OAuthError.client("bad_assertion_signature"));
            }
            Instant expires = claims.getExpirationTime().toInstant().plusSeconds(skewSeconds);
            return replays.firstUse(client.clientId(), claims.getJWTID(), expires).compose(first -> first
                ? Future.succeededFuture(client) : Future.failedFuture(OAuthError.client("replayed_jti")));
          });
    });
  }

  /** client_secret_basic / client_secret_post: an enabled client whose Argon2id hash matches. */
  Future<ApiClient> bySecret(String clientId, String secret) {
    if (clientId.isEmpty() || clientId.length() > 128 || secret.isEmpty() || secret.length() > 256) {
      return Future.failedFuture(OAuthError.client("malformed_credentials"));
    }
    return registry.find(clientId).compose(found -> {
      ApiClient client = found.orElse(null);
      String hash = client == null || client.secretHash() == null ? DECOY_HASH : client.secretHash();
      return registry.secretMatches(secret, hash).compose(matches -> {
        if (client == null) {
          return Future.failedFuture(OAuthError.client("unknown_client"));
        }
        if (client.secretHash() == null) {
          return Future.failedFuture(OAuthError.client("client_has_no_secret"));
        }
        if (!matches) {
          return Future.failedFuture(OAuthError.client("wrong_secret"));
        }
        return client.disabled() ? Future.failedFuture(OAuthError.client("disabled_client")) : Future.succeededFuture(client);
      });
    });
  }

  /** The failed check's reason, or null when aud, exp, nbf, iat and jti are acceptable. */
  private String timeAndAudience(JWTClaimsSet claims) {
    String endpoint = issuer.tokenEndpoint();
    List<String> audience = claims.getAudience();
    if (endpoint == null || audience == null || !audience.contains(endpoint)) {
      return "assertion_wrong_audience";
    }
    long now = clock.instant().getEpochSecond();
    Date exp = claims.getExpirationTime();
    if (exp == null) {
      return "assertion_without_exp";
    }
    long expires = exp.toInstant().getEpochSecond();
    if (now >= expires + skewSeconds) {
      return "assertion_expired";
    }
    if (expires > now + maxLifetime.toSeconds() + skewSeconds) {
      return "assertion_exp_too_far";
    }
    for (Date notAfterNow : new Date[] {claims.getNotBeforeTime(), claims.getIssueTime()}) {
      if (notAfterNow != null && notAfterNow.toInstant().getEpochSecond() > now + skewSeconds) {
        return "assertion_not_yet_valid";
      }
    }
    String jti = claims.getJWTID();
    if (jti == null || jti.isEmpty() || jti.length() > ReplayStore.MAX_JTI_LENGTH) {
      return "assertion_without_jti";
    }
    return null;
  }

  private Future<Boolean> verifySignature(ApiClient client, SignedJWT jwt, boolean refetch) {
    return jwks.keysOf(client, refetch).map(keys -> {
      for (JWK key : candidates(keys, jwt)) {
        try {
          if (jwt.verify(verifier(key, jwt.getHeader().getAlgorithm()))) {
            return true;
          }
        } catch (JOSEException | RuntimeException e) {
          // a key that cannot check this signature: try the next one
        }
      }
      return false;
    });
  }

  /** The client's keys that may have made this signature: the kid's, else every key of the alg's type and curve. */
  private static List<JWK> candidates(JWKSet keys, SignedJWT jwt) {
    JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
    String kid = jwt.getHeader().getKeyID();
    List<JWK> out = new ArrayList<>();
    for (JWK key : keys.getKeys()) {
      boolean typeMatches = JWSAlgorithm.Family.RSA.contains(alg) ? key instanceof RSAKey
          : key instanceof ECKey ec && (JWSAlgorithm.ES384.equals(alg) ? Curve.P_384 : Curve.P_256).equals(ec.getCurve());
      boolean algMatches = key.getAlgorithm() == null || key.getAlgorithm().equals(alg);
      boolean kidMatches = kid == null || kid.equals(key.getKeyID());
      if (typeMatches && algMatches && kidMatches && !key.isPrivate()) {
        out.add(key);
      }
    }
    return out;
  }

  private static JWSVerifier verifier(JWK key, JWSAlgorithm alg) throws JOSEException {
    return key instanceof RSAKey rsa ? new RSASSAVerifier(rsa) : new ECDSAVerifier((ECKey) key);
  }
}
