package io.bastion.db;

import io.bastion.config.ConfigReader;
import java.net.URI;

/** Where Redis comes from; without it every feature runs in local (per-node) mode. */
public record RedisConfig(String mode, String url, int connectTimeoutMs) {

  public static final String AUTO = "auto";
  public static final String REQUIRED = "required";
  public static final String OFF = "off";

  public static RedisConfig read(ConfigReader r) {
    String url = r.string("redis.url");
    if (!url.isEmpty() && !isRedisUrl(url)) {
      r.problem("redis.url", io.bastion.config.Secrets.redactUrl(url), "redis://[:password@]host:port[/db]");
    }
    return new RedisConfig(
        r.oneOf("redis.mode", AUTO, REQUIRED, OFF),
        url,
        r.integer("redis.connect-timeout-ms", 100, 600_000));
  }

  private static boolean isRedisUrl(String url) {
    try {
      URI uri = URI.create(url);
      return ("redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme())) && uri.getHost() != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
