package io.bastion.auth.server;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.bastion.testsupport.TestNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A backend-service client as SMART Backend Services describe it: a key pair whose public half is
 * registered, and client assertions it signs for Bastion's token endpoint.
 */
final class TokenClient {

  final JWK key;
  String clientId;

  private TokenClient(JWK key) {
    this.key = key;
  }

  static TokenClient es256(String kid) {
    try {
      return new TokenClient(new ECKeyGenerator(Curve.P_256).keyID(kid).generate());
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  static TokenClient rs384(String kid) {
    try {
      return new TokenClient(new RSAKeyGenerator(2048).keyID(kid).generate());
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  JWSAlgorithm alg() {
    return key instanceof RSAKey ? JWSAlgorithm.RS384 : JWSAlgorithm.ES256;
  }

  /** The JWKS to register: the public key only. */
  JsonObject publicJwks() {
    return new JsonObject().put("keys", new io.vertx.core.json.JsonArray().add(new JsonObject(key.toPublicJWK().toJSONObject())));
  }

  /** Valid claims for the node's token endpoint at the clock's now, with a fresh jti. */
  JWTClaimsSet.Builder claims(TestNode node, Clock clock) {
    Instant now = clock.instant();
    return new JWTClaimsSet.Builder().issuer(clientId).subject(clientId).audience(node.baseUrl() + "/auth/token")
        .expirationTime(Date.from(now.plusSeconds(120))).issueTime(Date.from(now)).jwtID(UUID.randomUUID().toString());
  }

  String sign(JWTClaimsSet claims) {
    return sign(key, claims);
  }

  /** Signs with any key of this client's type (a forger's key, for instance) under this client's kid. */
  String sign(JWK with, JWTClaimsSet claims) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg()).keyID(key.getKeyID()).build(), claims);
      jwt.sign(with instanceof RSAKey rsa ? new RSASSASigner(rsa) : new ECDSASigner((ECKey) with));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  static HttpResponse<Buffer> post(TestNode node, Map<String, String> form, Map<String, String> headers) {
    StringBuilder body = new StringBuilder();
    form.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8))
        .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    Map<String, String> all = new HashMap<>(headers);
    all.putIfAbsent("Content-Type", "application/x-www-form-urlencoded");
    return node.send(HttpMethod.POST, "/auth/token", all, Buffer.buffer(body.toString()));
  }

  static HttpResponse<Buffer> withAssertion(TestNode node, String assertion, String scope) {
    Map<String, String> form = new HashMap<>(Map.of("grant_type", "client_credentials",
        "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", "client_assertion", assertion));
    if (scope != null) {
      form.put("scope", scope);
    }
    return post(node, form, Map.of());
  }

  HttpResponse<Buffer> token(TestNode node, Clock clock, String scope) {
    return withAssertion(node, sign(claims(node, clock).build()), scope);
  }
}
