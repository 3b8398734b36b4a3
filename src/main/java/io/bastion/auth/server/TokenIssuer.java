package io.bastion.auth.server;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.bastion.auth.LocalIssuer;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/**
 * Signs access tokens (RFC 9068 shape: {@code typ at+jwt}) with the active key: iss Bastion, aud its FHIR
 * base, sub and client_id the client, the granted scope, a jti, and an exp auth.server.token-lifetime-seconds
 * ahead. One ES256 signature costs well under a millisecond, so it runs on the event loop.
 */
final class TokenIssuer {

  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  private final SigningKeys keys;
  private final LocalIssuer issuer;
  private final Clock clock;
  private final Duration lifetime;
  private final SecureRandom random;

  TokenIssuer(SigningKeys keys, LocalIssuer issuer, Clock clock, Duration lifetime, SecureRandom random) {
    this.keys = keys;
    this.issuer = issuer;
    this.clock = clock;
    this.lifetime = lifetime;
    this.random = random;
  }

  /** The RFC 6749 section 5.1 response for a client granted these scopes. */
  JsonObject issue(ApiClient client, List<String> scopes) {
    SigningKeys.Active key = keys.active();
    Instant now = clock.instant();
    byte[] id = new byte[16];
    random.nextBytes(id);
    String scope = String.join(" ", scopes);
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(issuer.issuer())
        .subject(client.clientId())
        .audience(issuer.fhirAudience())
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(lifetime)))
        .jwtID(B64URL.encodeToString(id))
        .claim("client_id", client.clientId())
        .claim("scope", scope)
        .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(key.alg()).keyID(key.jwk().getKeyID())
        .type(new JOSEObjectType("at+jwt")).build(), claims);
    try {
      jwt.sign(key.signer());
    } catch (JOSEException e) {
      throw new IllegalStateException("signing failed with key " + key.jwk().getKeyID(), e);
    }
    return new JsonObject().put("access_token", jwt.serialize()).put("token_type", "bearer")
        .put("expires_in", lifetime.toSeconds()).put("scope", scope);
  }
}
