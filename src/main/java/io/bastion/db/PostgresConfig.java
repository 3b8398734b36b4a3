package io.bastion.db;

import io.bastion.config.ConfigReader;
import io.bastion.config.NodeConfig;
import java.net.URI;
import java.nio.file.Path;

/**
 * Where PostgreSQL comes from, how the shared pool is sized, and how long one FHIR search statement may run
 * ({@code searchTimeoutSeconds}: the search pools' {@code statement_timeout}, so PostgreSQL itself stops a search
 * that would still be running when the client has given up or the connection's idle timeout has closed it).
 */
public record PostgresConfig(String mode, String url, int poolSize, int connectTimeoutMs, int searchTimeoutSeconds,
    int embeddedPort, Path embeddedDir) {

  public static final String AUTO = "auto";
  public static final String EXTERNAL = "external";
  public static final String EMBEDDED = "embedded";

  public static PostgresConfig read(ConfigReader r, NodeConfig node) {
    String url = r.string("postgres.url");
    if (!url.isEmpty() && !isPostgresUrl(url)) {
      r.problem("postgres.url", io.bastion.config.Secrets.redactUrl(url), "postgresql://user:password@host:port/database");
    }
    String dir = r.string("postgres.embedded.data-dir");
    return new PostgresConfig(
        r.oneOf("postgres.mode", AUTO, EXTERNAL, EMBEDDED),
        url,
        r.integer("postgres.pool-size", 1, 1000),
        r.integer("postgres.connect-timeout-ms", 100, 600_000),
        r.integer("postgres.search-timeout-seconds", 1, 3600),
        r.integer("postgres.embedded.port", 1, 65535),
        dir.isEmpty() ? node.dataDir().resolve("pg") : Path.of(dir).toAbsolutePath().normalize());
  }

  private static boolean isPostgresUrl(String url) {
    try {
      URI uri = URI.create(url);
      return ("postgresql".equals(uri.getScheme()) || "postgres".equals(uri.getScheme())) && uri.getHost() != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
