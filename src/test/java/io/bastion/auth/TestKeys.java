package io.bastion.auth;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keys generated per test run and a JWT signer written against the JCA alone, so tests can also make
 * the tokens a library would refuse to make (alg none, HS256 keyed with a public key, tampered parts).
 */
final class TestKeys {

  static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  /** A key pair with the JWS algorithm it signs for and its kid. */
  record Key(String alg, String kid, KeyPair pair) {

    String publicPem() {
      return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(pair.getPublic().getEncoded())
          + "\n-----END PUBLIC KEY-----\n";
    }

    /** The public JWK as an identity provider publishes it. */
    JsonObject jwk() {
      JsonObject jwk = Jwks.fromPem(publicPem(), Set.of(alg)).get(0).copy();
      return kid == null ? jwk : jwk.put("kid", kid);
    }

    Key withKid(String other) {
      return new Key(alg, other, pair);
    }
  }

  private TestKeys() {
  }

  static Key rsa(String kid) {
    return generate("RS256", kid, "RSA", 2048);
  }

  static Key ec(String kid) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return new Key("ES256", kid, generator.generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static Key ed25519(String kid) {
    return generate("EdDSA", kid, "Ed25519", 0);
  }

  private static Key generate(String alg, String kid, String type, int bits) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(type);
      if (bits > 0) {
        generator.initialize(bits);
      }
      return new Key(alg, kid, generator.generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A compact JWS signed by the key (header gets alg and kid unless already set). */
  static String sign(Key key, JsonObject claims) {
    JsonObject header = new JsonObject().put("alg", key.alg()).put("typ", "JWT");
    if (key.kid() != null) {
      header.put("kid", key.kid());
    }
    return sign(key, header, claims);
  }

  static String sign(Key key, JsonObject header, JsonObject claims) {
    String input = part(header) + "." + part(claims);
    return input + "." + B64.encodeToString(signature(key, input.getBytes(StandardCharsets.US_ASCII)));
  }

  /** An HS256 token keyed with arbitrary bytes (a shared secret, or an attacker's guess at one). */
  static String hs256(byte[] secret, JsonObject header, JsonObject claims) {
    String input = part(header.copy().put("alg", "HS256")) + "." + part(claims);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String part(JsonObject json) {
    return B64.encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] signature(Key key, byte[] input) {
    try {
      Signature signer = Signature.getInstance(switch (key.alg()) {
        case "RS256" -> "SHA256withRSA";
        case "ES256" -> "SHA256withECDSAinP1363Format";
        case "EdDSA" -> "Ed25519";
        default -> throw new IllegalArgumentException(key.alg());
      });
      signer.initSign(key.pair().getPrivate());
      signer.update(input);
      return signer.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  /** Sets an unused low bit of the last character: the same bytes, spelled non-canonically. */
  static String flipLastChar(String segment) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    int index = alphabet.indexOf(segment.charAt(segment.length() - 1));
    return segment.substring(0, segment.length() - 1) + alphabet.charAt(index ^ 1);
  }

  static String flipFirstChar(String segment) {
    return (segment.charAt(0) == 'A' ? 'B' : 'A') + segment.substring(1);
  }
}
