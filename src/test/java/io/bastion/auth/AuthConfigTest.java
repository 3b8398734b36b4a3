package io.bastion.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.config.BastionConfig;
import io.bastion.config.ConfigException;
import io.bastion.config.ConfigLoader;
import io.bastion.config.ConfigProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthConfigTest {

  private final ConfigLoader loader = ConfigLoader.withBuiltInDefaults();

  @Test
  void defaultsDenyWithBastionAsTheOnlyIssuerAndSafeLimits() {
    AuthConfig auth = loader.load(null, Map.of(), Map.of()).auth();
    assertTrue(auth.enabled());
    assertFalse(auth.externalProvider());
    assertEquals(Set.of("RS256", "ES256", "EdDSA"), auth.algorithms());
    assertEquals(Set.of("RS256", "ES256", "EdDSA"), auth.acceptedAlgorithms(), "no HS256 without a secret");
    assertEquals(Duration.ofSeconds(60), auth.clockSkew());
    assertEquals(8192, auth.maxTokenBytes());
    assertEquals(Duration.ofHours(1), auth.jwksCacheTtl());
    assertEquals(Duration.ofSeconds(60), auth.jwksMinRefetch());
    assertNull(auth.jwksUrl());
  }

  @Test
  void theThreeProviderSettingsComeFromTheEnvironment() {
    AuthConfig auth = loader.load(null, Map.of("BASTION_AUTH_ENABLED", "true",
        "BASTION_AUTH_ISSUER", "https://login.example.org/realms/h",
        "BASTION_AUTH_AUDIENCE", "bastion, https://fhir.example.org",
        "BASTION_AUTH_JWKS_URL", "https://login.example.org/realms/h/protocol/openid-connect/certs"), Map.of()).auth();
    assertTrue(auth.enabled());
    assertEquals("https://login.example.org/realms/h", auth.issuer());
    assertEquals(List.of("bastion", "https://fhir.example.org"), auth.audience());
    assertEquals("login.example.org", auth.jwksUrl().getHost());
  }

  @Test
  void everyProblemIsListedAndTheSecretNeverEchoed(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bastion.yaml");
    Files.writeString(file, """
        auth:
          enabled: true
          jwks-url: http://idp.example.org/certs
          public-key-files: [/nonexistent/idp.pem]
          hs256-secret: too-short-secret
          algorithms: [RS256, none, HS256]
          clock-skew-seconds: 3600
          max-token-bytes: 10
          jwks-min-refetch-seconds: 0
        """);
    ConfigException e = assertThrows(ConfigException.class, () -> loader.load(file, Map.of(), Map.of()));
    List<String> paths = e.problems().stream().map(ConfigProblem::path).toList();
    assertTrue(paths.containsAll(List.of("auth.jwks-url", "auth.public-key-files", "auth.hs256-secret", "auth.algorithms",
        "auth.issuer", "auth.audience", "auth.clock-skew-seconds", "auth.max-token-bytes", "auth.jwks-min-refetch-seconds")),
        paths.toString());
    assertEquals(2, paths.stream().filter("auth.algorithms"::equals).count(), "none and HS256 each reported");
    assertFalse(e.getMessage().contains("too-short-secret"), e.getMessage());
    assertTrue(e.getMessage().contains("HS256 is enabled by setting auth.hs256-secret"), e.getMessage());
  }

  @Test
  void enabledWithoutAnyKeySourceIsRefused() {
    ConfigException e = assertThrows(ConfigException.class, () -> loader.load(null, Map.of(),
        Map.of("auth.enabled", "true", "auth.issuer", "https://idp", "auth.audience", "bastion")));
    assertEquals(List.of("auth"), e.problems().stream().map(ConfigProblem::path).toList());
  }

  @Test
  void authWithNeitherAProviderNorTheTokenEndpointIsRefused() {
    ConfigException e = assertThrows(ConfigException.class, () -> loader.load(null, Map.of(),
        Map.of("auth.server.enabled", "false")));
    assertEquals(List.of("auth.server.enabled"), e.problems().stream().map(ConfigProblem::path).toList());
    ConfigException badUrl = assertThrows(ConfigException.class, () -> loader.load(null, Map.of(),
        Map.of("auth.server.base-url", "https://user:pw@fhir.example.org/?x=1")));
    assertFalse(badUrl.getMessage().contains("pw@"), badUrl.getMessage());
    assertTrue(loader.load(null, Map.of("BASTION_AUTH_SERVER_KEY_ENCRYPTION_KEY", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="),
        Map.of()).redacted().encode().contains("<redacted>"));
  }

  @Test
  void plainHttpJwksOnlyOnLoopbackAndNoCredentialsInTheUrl() {
    // the URL alone is checked (with auth on, an issuer and audience would be required as well)
    assertEquals("127.0.0.1", loader.load(null, Map.of(), Map.of("auth.enabled", "false", "auth.jwks-url", "http://127.0.0.1:8081/jwks"))
        .auth().jwksUrl().getHost());
    ConfigException e = assertThrows(ConfigException.class, () -> loader.load(null, Map.of(),
        Map.of("auth.enabled", "false", "auth.jwks-url", "https://user:pw@idp.example.org/jwks")));
    assertFalse(e.getMessage().contains("pw@"), e.getMessage());
  }

  @Test
  void theHs256SecretIsRedactedAndEnablesHs256() {
    BastionConfig config = loader.load(null, Map.of("BASTION_AUTH_HS256_SECRET", "0123456789abcdef0123456789abcdef-xyz",
        "BASTION_AUTH_ISSUER", "https://idp", "BASTION_AUTH_AUDIENCE", "bastion"), Map.of());
    assertTrue(config.auth().acceptedAlgorithms().contains("HS256"));
    assertFalse(config.redacted().encode().contains("0123456789abcdef0123456789abcdef-xyz"));
    assertFalse(config.auth().toString().contains("0123456789abcdef"));
  }

  @Test
  void everyAuthKeyIsDocumentedWithAnEnvironmentVariable() {
    List<String> keys = loader.keyPaths().stream().filter(k -> k.startsWith("auth.")).toList();
    assertEquals(List.of("auth.enabled", "auth.issuer", "auth.audience", "auth.jwks-url", "auth.public-key-files",
        "auth.hs256-secret", "auth.algorithms", "auth.clock-skew-seconds", "auth.max-token-bytes",
        "auth.jwks-cache-ttl-seconds", "auth.jwks-min-refetch-seconds", "auth.jwks-timeout-ms",
        "auth.jwks-breaker-failures", "auth.jwks-breaker-reset-seconds", "auth.verified-cache-entries",
        "auth.server.enabled", "auth.server.base-url", "auth.server.signing-alg", "auth.server.token-lifetime-seconds",
        "auth.server.key-rotation-days", "auth.server.key-encryption-key", "auth.server.max-assertion-lifetime-seconds",
        "auth.server.requests-per-minute", "auth.server.jwks-uri-cache-seconds"), keys);
    assertEquals("BASTION_AUTH_JWKS_URL", ConfigLoader.envName("auth.jwks-url"));
  }
}
