package io.bastion.auth.server;

import io.bastion.config.ConfigReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;

/**
 * Bastion's own token endpoint (the {@code auth.server:} section of conf/bastion.yaml): where it is, how
 * its access tokens are signed and for how long, and the limits on client assertions.
 *
 * @param baseUrl the node's public base URL (issuer); empty: {@code http(s)://localhost:<bound port>}
 * @param keyEncryptionKey AES-256 key sealing the private signing keys; null: admin.mfa-key, else none
 */
public record AuthServerConfig(
    boolean enabled,
    String baseUrl,
    String signingAlg,
    Duration tokenLifetime,
    Duration keyRotation,
    Duration maxAssertionLifetime,
    int requestsPerMinute,
    Duration jwksUriCacheTtl,
    byte[] keyEncryptionKey) {

  public static final String ES256 = "ES256";
  public static final String RS256 = "RS256";
  private static final int KEY_BYTES = 32;

  public static AuthServerConfig read(ConfigReader r) {
    boolean enabled = r.bool("auth.server.enabled");
    if (!enabled && r.bool("auth.enabled") && r.string("auth.issuer").isEmpty()) {
      r.problem("auth.server.enabled", false, "true, or an external identity provider (auth.issuer, auth.jwks-url): "
          + "with auth.enabled and neither, nothing could issue a token");
    }
    return new AuthServerConfig(
        enabled,
        baseUrl(r),
        r.oneOf("auth.server.signing-alg", "es256", "rs256").toUpperCase(Locale.ROOT),
        Duration.ofSeconds(r.integer("auth.server.token-lifetime-seconds", 60, 3600)),
        Duration.ofDays(r.integer("auth.server.key-rotation-days", 1, 365)),
        Duration.ofSeconds(r.integer("auth.server.max-assertion-lifetime-seconds", 30, 300)),
        r.integer("auth.server.requests-per-minute", 1, 100_000),
        Duration.ofSeconds(r.integer("auth.server.jwks-uri-cache-seconds", 60, 86_400)),
        key(r));
  }

  private static String baseUrl(ConfigReader r) {
    String text = r.string("auth.server.base-url");
    if (text.isEmpty()) {
      return "";
    }
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      boolean ok = (scheme.equals("https") || scheme.equals("http")) && uri.getHost() != null
          && uri.getUserInfo() == null && uri.getQuery() == null && uri.getFragment() == null;
      if (ok) {
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    r.problem("auth.server.base-url", io.bastion.config.Secrets.redactUrl(text), "an http(s) URL without credentials, query or fragment, e.g. https://fhir.example.org");
    return "";
  }

  private static byte[] key(ConfigReader r) {
    String text = r.string("auth.server.key-encryption-key");
    if (text.isEmpty()) {
      return null;
    }
    try {
      byte[] key = Base64.getDecoder().decode(text);
      if (key.length == KEY_BYTES) {
        return key;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    r.problem("auth.server.key-encryption-key", "<" + text.length() + " characters>", "base64 of exactly 32 bytes, or empty");
    return null;
  }

  @Override
  public String toString() {
    return "AuthServerConfig[enabled=" + enabled + ", baseUrl=" + baseUrl + ", signingAlg=" + signingAlg
        + ", tokenLifetime=" + tokenLifetime + ", keyRotation=" + keyRotation + ", keyEncryptionKey="
        + (keyEncryptionKey == null ? "none" : "<redacted>") + "]";
  }
}
