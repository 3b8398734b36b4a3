package io.bastion.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  private final ConfigLoader loader = ConfigLoader.withBuiltInDefaults();

  @Test
  void defaultsAloneAreValid() {
    BastionConfig config = loader.load(null, Map.of(), Map.of());
    assertEquals(8080, config.http().port());
    assertEquals("auto", config.postgres().mode());
    assertTrue(config.node().dataDir().isAbsolute());
  }

  @Test
  void badFileIsRejectedWithEveryProblemListed(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, """
        http:
          port: 99999
          max-body-bytes: lots
          tls:
            cert-file: /nonexistent/cert.pem
        postgres:
          mode: sometimes
          url: mysql://x
        colour: blue
        redis:
          connect-timeout-ms: -5
        """);
    ConfigException e = assertThrows(ConfigException.class, () -> loader.load(file, Map.of(), Map.of()));
    List<String> paths = e.problems().stream().map(ConfigProblem::path).collect(Collectors.toList());
    assertTrue(paths.containsAll(List.of("http.port", "http.max-body-bytes", "http.tls", "http.tls.cert-file",
        "postgres.mode", "postgres.url", "colour", "redis.connect-timeout-ms")), paths.toString());
    assertTrue(e.getMessage().contains("http.port: '99999' - a whole number from 0 to 65535"), e.getMessage());
  }

  @Test
  void unparseableYamlNamesTheLine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("broken.yaml");
    Files.writeString(file, "http:\n  port: 1\n   host: [\n");
    ConfigException e = assertThrows(ConfigException.class, () -> loader.load(file, Map.of(), Map.of()));
    assertTrue(e.problems().get(0).path().startsWith(file + ":"), e.getMessage());
  }

  @Test
  void flagsBeatEnvironmentWhichBeatsTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("c.yaml");
    Files.writeString(file, "http:\n  port: 7000\n  max-body-bytes: 2048\nlog:\n  level: warn\n");
    Map<String, String> env = Map.of("BASTION_HTTP_PORT", "7001", "BASTION_HTTP_MAX_BODY_BYTES", "4096",
        "BASTION_HTTP_TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.1", "UNRELATED", "x");
    BastionConfig config = loader.load(file, env, Map.of("http.port", "7002"));
    assertEquals(7002, config.http().port());
    assertEquals(4096, config.http().maxBodyBytes());
    assertEquals("WARN", config.log().level());
    assertTrue(config.http().trustedProxies().trusts("10.1.2.3"));
    assertTrue(config.http().trustedProxies().trusts("192.168.1.1"));
    assertFalse(config.http().trustedProxies().trusts("192.168.1.2"));
  }

  @Test
  void everyKeyHasAnEnvironmentVariable() {
    assertTrue(loader.keyPaths().contains("postgres.embedded.port"));
    assertEquals("BASTION_POSTGRES_EMBEDDED_PORT", ConfigLoader.envName("postgres.embedded.port"));
    BastionConfig config = loader.load(null, Map.of("BASTION_POSTGRES_EMBEDDED_PORT", "6000"), Map.of());
    assertEquals(6000, config.postgres().embeddedPort());
  }

  @Test
  void badEnvironmentValuesAreReportedToo() {
    ConfigException e = assertThrows(ConfigException.class, () -> loader.load(null,
        Map.of("BASTION_HTTP_TRUSTED_PROXIES", "not-an-ip", "BASTION_LOG_ACCESS_LOG", "maybe", "BASTION_CTL_TOKEN", "short"),
        Map.of()));
    List<String> paths = e.problems().stream().map(ConfigProblem::path).toList();
    assertEquals(List.of("http.trusted-proxies", "ctl.token", "log.access-log"), paths);
    assertFalse(e.getMessage().contains("short"), "a secret's value must not be echoed");
  }

  @Test
  void printedConfigHidesSecrets() {
    BastionConfig config = loader.load(null, Map.of("BASTION_ADMIN_PASSWORD", "correct-horse-battery",
        "BASTION_CTL_TOKEN", "0123456789abcdef-token"), Map.of("postgres.url", "postgresql://app:s3cret@db:5432/fhir"));
    String printed = config.redacted().encode();
    assertFalse(printed.contains("correct-horse-battery"));
    assertFalse(printed.contains("0123456789abcdef-token"));
    assertFalse(printed.contains("s3cret"));
    assertTrue(printed.contains("postgresql://app:<redacted>@db:5432/fhir"), printed);
  }
}
