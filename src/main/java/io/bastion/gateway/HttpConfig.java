package io.bastion.gateway;

import io.bastion.config.ConfigReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The HTTP listener, its limits and TLS. */
public record HttpConfig(
    String host,
    int port,
    int instances,
    int maxBodyBytes,
    int maxHeaderBytes,
    int maxInitialLineBytes,
    int idleTimeoutSeconds,
    int drainTimeoutSeconds,
    TrustedProxies trustedProxies,
    long hstsMaxAgeSeconds,
    Path tlsCertFile,
    Path tlsKeyFile) {

  public static HttpConfig read(ConfigReader r) {
    List<String> proxies = r.list("http.trusted-proxies");
    TrustedProxies trusted = TrustedProxies.parse(proxies, bad -> r.problem("http.trusted-proxies", bad, "IP addresses or CIDR ranges"));
    String cert = r.string("http.tls.cert-file");
    String key = r.string("http.tls.key-file");
    if (cert.isEmpty() != key.isEmpty()) {
      r.problem("http.tls", "cert-file=" + (cert.isEmpty() ? "(empty)" : cert) + ", key-file=" + (key.isEmpty() ? "(empty)" : key),
          "both cert-file and key-file, or neither");
    }
    checkReadable(r, "http.tls.cert-file", cert);
    checkReadable(r, "http.tls.key-file", key);
    return new HttpConfig(
        r.string("http.host"),
        r.integer("http.port", 0, 65535),
        r.integer("http.instances", 0, 256),
        r.integer("http.max-body-bytes", 1024, 512 * 1024 * 1024),
        r.integer("http.max-header-bytes", 1024, 1024 * 1024),
        r.integer("http.max-initial-line-bytes", 256, 1024 * 1024),
        r.integer("http.idle-timeout-seconds", 1, 3600),
        r.integer("http.drain-timeout-seconds", 0, 600),
        trusted,
        r.longValue("http.hsts-max-age-seconds", 0, 10L * 365 * 24 * 3600),
        cert.isEmpty() ? null : Path.of(cert),
        key.isEmpty() ? null : Path.of(key));
  }

  public boolean tls() {
    return tlsCertFile != null && tlsKeyFile != null;
  }

  /** Gateway instances: the configured count, or one per core. */
  public int effectiveInstances() {
    return instances > 0 ? instances : Runtime.getRuntime().availableProcessors();
  }

  private static void checkReadable(ConfigReader r, String path, String file) {
    if (!file.isEmpty() && !Files.isReadable(Path.of(file))) {
      r.problem(path, file, "a readable PEM file");
    }
  }
}
