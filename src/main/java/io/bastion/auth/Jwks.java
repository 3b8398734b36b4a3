package io.bastion.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Turns key material into JWKs that carry an explicit "alg": JWKS documents from the identity provider,
 * PEM public keys from files, and the HS256 secret. Everything the verifier trusts passes through here,
 * so this is where symmetric keys in a JWKS, encryption keys and disallowed algorithms are dropped.
 */
final class Jwks {

  /** A JWKS with more keys than this is cut: each token without a kid may be tried against every key. */
  static final int MAX_KEYS = 32;
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  private Jwks() {
  }

  /**
   * The usable keys of a JWKS document. Skips (and reports through {@code skipped}) keys that are
   * symmetric, not for signatures, of a disallowed algorithm, or incomplete.
   */
  static List<JsonObject> parse(JsonObject document, Set<String> allowed, Consumer<String> skipped) {
    JsonArray keys = document.getValue("keys") instanceof JsonArray array ? array : null;
    if (keys == null) {
      throw new IllegalArgumentException("not a JWKS document: no \"keys\" array");
    }
    List<JsonObject> out = new ArrayList<>();
    for (Object item : keys) {
      if (out.size() == MAX_KEYS) {
        skipped.accept("more than " + MAX_KEYS + " keys; the rest are ignored");
        break;
      }
      if (!(item instanceof JsonObject jwk)) {
        skipped.accept("a key that is not a JSON object");
        continue;
      }
      JsonObject normalised = normalise(jwk, allowed, skipped);
      if (normalised != null) {
        out.add(normalised);
      }
    }
    return out;
  }

  /** A public signature JWK with "alg" filled in, or null when it must not be used. */
  static JsonObject normalise(JsonObject jwk, Set<String> allowed, Consumer<String> skipped) {
    String kid = jwk.getValue("kid") instanceof String s ? s : null;
    String label = kid == null ? "(no kid)" : "kid " + kid;
    String kty = jwk.getValue("kty") instanceof String s ? s : "";
    if (jwk.containsKey("use") && !"sig".equals(jwk.getValue("use"))) {
      skipped.accept(label + ": not a signature key");
      return null;
    }
    String alg = jwk.getValue("alg") instanceof String s ? s : inferAlg(kty, jwk.getString("crv", ""));
    if (kty.equals("oct")) {
      skipped.accept(label + ": symmetric keys are never taken from a JWKS");
      return null;
    }
    if (alg == null || !allowed.contains(alg) || !matchesKty(alg, kty)) {
      skipped.accept(label + ": algorithm " + alg + " for key type " + kty + " is not accepted");
      return null;
    }
    boolean complete = switch (kty) {
      case "RSA" -> has(jwk, "n", "e");
      case "EC" -> has(jwk, "crv", "x", "y");
      case "OKP" -> has(jwk, "crv", "x") && "Ed25519".equals(jwk.getValue("crv"));
      default -> false;
    };
    if (!complete) {
      skipped.accept(label + ": incomplete or unsupported " + kty + " key");
      return null;
    }
    JsonObject out = new JsonObject().put("kty", kty).put("alg", alg).put("use", "sig");
    for (String field : List.of("kid", "n", "e", "crv", "x", "y")) {
      if (jwk.getValue(field) instanceof String value) {
        out.put(field, value);
      }
    }
    return out;
  }

  /** JWKs for a PEM "PUBLIC KEY" file: one per allowed algorithm of its key type. */
  static List<JsonObject> fromPem(String pem, Set<String> allowed) {
    String body = pem.replaceAll("-----BEGIN PUBLIC KEY-----|-----END PUBLIC KEY-----|\\s", "");
    if (!pem.contains("-----BEGIN PUBLIC KEY-----") || body.isEmpty()) {
      throw new IllegalArgumentException("not a PEM \"PUBLIC KEY\"");
    }
    byte[] der = Base64.getMimeDecoder().decode(body);
    PublicKey key = null;
    for (String type : List.of("RSA", "EC", "Ed25519")) {
      try {
        key = KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(der));
        break;
      } catch (Exception e) {
        // try the next key type
      }
    }
    List<JsonObject> out = new ArrayList<>();
    if (key instanceof RSAPublicKey rsa) {
      for (String alg : List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512")) {
        if (allowed.contains(alg)) {
          out.add(new JsonObject().put("kty", "RSA").put("alg", alg).put("use", "sig")
              .put("n", unsigned(rsa.getModulus(), 0)).put("e", unsigned(rsa.getPublicExponent(), 0)));
        }
      }
    } else if (key instanceof ECPublicKey ec) {
      int bits = ec.getParams().getCurve().getField().getFieldSize();
      String crv = switch (bits) {
        case 256 -> "P-256";
        case 384 -> "P-384";
        case 521 -> "P-521";
        default -> throw new IllegalArgumentException("unsupported EC curve of " + bits + " bits");
      };
      String alg = inferAlg("EC", crv);
      int size = (bits + 7) / 8;
      if (allowed.contains(alg)) {
        out.add(new JsonObject().put("kty", "EC").put("alg", alg).put("use", "sig").put("crv", crv)
            .put("x", unsigned(ec.getW().getAffineX(), size)).put("y", unsigned(ec.getW().getAffineY(), size)));
      }
    } else if (key instanceof EdECPublicKey) {
      // X.509 SubjectPublicKeyInfo of Ed25519: a 12-byte prefix, then the 32-byte key
      byte[] raw = Arrays.copyOfRange(der, der.length - 32, der.length);
      if (allowed.contains("EdDSA")) {
        out.add(new JsonObject().put("kty", "OKP").put("alg", "EdDSA").put("use", "sig").put("crv", "Ed25519")
            .put("x", B64URL.encodeToString(raw)));
      }
    } else {
      throw new IllegalArgumentException("not an RSA, EC or Ed25519 public key");
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("its key type matches none of auth.algorithms");
    }
    return out;
  }

  /** The JWK of the HS256 shared secret. */
  static JsonObject hs256(String secret) {
    return new JsonObject().put("kty", "oct").put("alg", AuthConfig.HS256).put("use", "sig")
        .put("k", B64URL.encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
  }

  private static String inferAlg(String kty, String crv) {
    return switch (kty) {
      case "RSA" -> "RS256";
      case "EC" -> switch (crv) {
        case "P-256" -> "ES256";
        case "P-384" -> "ES384";
        case "P-521" -> "ES512";
        default -> null;
      };
      case "OKP" -> "EdDSA";
      default -> null;
    };
  }

  private static boolean matchesKty(String alg, String kty) {
    return switch (kty) {
      case "RSA" -> alg.startsWith("RS") || alg.startsWith("PS");
      case "EC" -> alg.startsWith("ES");
      case "OKP" -> alg.equals("EdDSA");
      default -> false;
    };
  }

  private static boolean has(JsonObject jwk, String... fields) {
    for (String field : fields) {
      if (!(jwk.getValue(field) instanceof String value) || value.isEmpty()) {
        return false;
      }
    }
    return true;
  }

  private static String unsigned(BigInteger value, int size) {
    byte[] bytes = value.toByteArray();
    if (bytes.length > 1 && bytes[0] == 0) {
      bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    if (size > bytes.length) {
      byte[] padded = new byte[size];
      System.arraycopy(bytes, 0, padded, size - bytes.length, bytes.length);
      bytes = padded;
    }
    return B64URL.encodeToString(bytes);
  }
}
