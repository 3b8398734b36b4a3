package io.bastion.auth;

import io.bastion.config.ConfigReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Bearer-token authentication for the FHIR API: who issues tokens, for whom, where their keys are, and
 * the limits that keep verification cheap and safe. Every key is documented in conf/bastion.yaml.
 *
 * @param hs256Secret empty unless HS256 was explicitly configured; never printed
 */
public record AuthConfig(
    boolean enabled,
    String issuer,
    List<String> audience,
    URI jwksUrl,
    List<Path> publicKeyFiles,
    String hs256Secret,
    Set<String> algorithms,
    Duration clockSkew,
    int maxTokenBytes,
    Duration jwksCacheTtl,
    Duration jwksMinRefetch,
    Duration jwksTimeout,
    int jwksBreakerFailures,
    Duration jwksBreakerReset,
    int verifiedCacheEntries) {

  /** RFC 7518 section 3.2: an HMAC key at least as long as the hash output. */
  public static final int MIN_HS256_SECRET_LENGTH = 32;
  /** Asymmetric algorithms the verifier supports (vertx-auth-jwt 5.0.7, JDK 17 providers). */
  public static final Set<String> ASYMMETRIC = Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
      "ES256", "ES384", "ES512", "EdDSA");
  public static final String HS256 = "HS256";

  /** True when an external identity provider is configured (issuer and keys); false: Bastion's own issuer only. */
  public boolean externalProvider() {
    return !issuer.isEmpty();
  }

  public AuthConfig {
    audience = List.copyOf(audience);
    publicKeyFiles = List.copyOf(publicKeyFiles);
    algorithms = Set.copyOf(algorithms);
  }

  public static AuthConfig read(ConfigReader r) {
    boolean enabled = r.bool("auth.enabled");
    String issuer = r.string("auth.issuer");
    List<String> audience = r.list("auth.audience");
    URI jwks = jwksUrl(r, r.string("auth.jwks-url"));
    List<Path> keyFiles = new ArrayList<>();
    for (String file : r.list("auth.public-key-files")) {
      if (!Files.isReadable(Path.of(file))) {
        r.problem("auth.public-key-files", file, "readable PEM files");
      }
      keyFiles.add(Path.of(file));
    }
    String secret = r.string("auth.hs256-secret");
    if (!secret.isEmpty() && secret.length() < MIN_HS256_SECRET_LENGTH) {
      r.problem("auth.hs256-secret", "<" + secret.length() + " characters>",
          "at least " + MIN_HS256_SECRET_LENGTH + " characters, or empty to refuse HS256");
    }
    Set<String> algorithms = algorithms(r);
    // With no external identity provider at all, Bastion's own token endpoint is the only issuer.
    boolean external = !issuer.isEmpty() || jwks != null || !keyFiles.isEmpty() || !secret.isEmpty();
    if (enabled && external) {
      if (issuer.isEmpty()) {
        r.problem("auth.issuer", issuer, "the identity provider's issuer (required with an external provider's keys)");
      }
      if (audience.isEmpty()) {
        r.problem("auth.audience", "[]", "at least one audience (required with an external identity provider)");
      }
      if (jwks == null && keyFiles.isEmpty() && secret.isEmpty()) {
        r.problem("auth", "no keys", "auth.jwks-url, auth.public-key-files or auth.hs256-secret (required with auth.issuer)");
      }
    }
    return new AuthConfig(enabled, issuer, audience, jwks, keyFiles, secret, algorithms,
        Duration.ofSeconds(r.integer("auth.clock-skew-seconds", 0, 300)),
        r.integer("auth.max-token-bytes", 1024, 65536),
        Duration.ofSeconds(r.integer("auth.jwks-cache-ttl-seconds", 60, 86_400)),
        Duration.ofSeconds(r.integer("auth.jwks-min-refetch-seconds", 1, 3600)),
        Duration.ofMillis(r.integer("auth.jwks-timeout-ms", 100, 30_000)),
        r.integer("auth.jwks-breaker-failures", 1, 100),
        Duration.ofSeconds(r.integer("auth.jwks-breaker-reset-seconds", 1, 3600)),
        r.integer("auth.verified-cache-entries", 0, 1_000_000));
  }

  /** The algorithms a token header may name: the configured asymmetric ones, plus HS256 with a secret. */
  public Set<String> acceptedAlgorithms() {
    if (hs256Secret.isEmpty()) {
      return algorithms;
    }
    Set<String> all = new LinkedHashSet<>(algorithms);
    all.add(HS256);
    return Set.copyOf(all);
  }

  private static Set<String> algorithms(ConfigReader r) {
    Set<String> out = new LinkedHashSet<>();
    for (String name : r.list("auth.algorithms")) {
      String canonical = ASYMMETRIC.stream().filter(a -> a.equalsIgnoreCase(name)).findFirst().orElse(null);
      if (canonical != null) {
        out.add(canonical);
      } else if (name.toUpperCase(Locale.ROOT).startsWith("HS")) {
        r.problem("auth.algorithms", name, "asymmetric algorithms only; HS256 is enabled by setting auth.hs256-secret");
      } else {
        r.problem("auth.algorithms", name, "some of " + String.join(", ", sorted(ASYMMETRIC)) + " (never none)");
      }
    }
    if (out.isEmpty() && r.list("auth.algorithms").isEmpty()) {
      r.problem("auth.algorithms", "[]", "at least one algorithm");
    }
    return out;
  }

  private static URI jwksUrl(ConfigReader r, String text) {
    if (text.isEmpty()) {
      return null;
    }
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
        r.problem("auth.jwks-url", text, "an http(s) URL with a host");
        return null;
      }
      if (scheme.equals("http") && !isLoopback(uri.getHost())) {
        r.problem("auth.jwks-url", text, "https (plain http only on a loopback host: keys fetched in clear can be replaced)");
        return null;
      }
      if (uri.getUserInfo() != null) {
        r.problem("auth.jwks-url", "<url with credentials>", "a URL without user:password");
        return null;
      }
      return uri;
    } catch (URISyntaxException e) {
      r.problem("auth.jwks-url", text, "a valid URL");
      return null;
    }
  }

  private static boolean isLoopback(String host) {
    return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1");
  }

  private static List<String> sorted(Set<String> names) {
    return names.stream().sorted().toList();
  }

  @Override
  public String toString() {
    return "AuthConfig[enabled=" + enabled + ", issuer=" + issuer + ", audience=" + audience + ", jwksUrl=" + jwksUrl
        + ", publicKeyFiles=" + publicKeyFiles + ", hs256Secret=" + (hs256Secret.isEmpty() ? "" : "<redacted>")
        + ", algorithms=" + algorithms + ", clockSkew=" + clockSkew + ", maxTokenBytes=" + maxTokenBytes + "]";
  }
}
