package io.bastion.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses Redis: the configured URL, else localhost:6379, else local mode where every feature keeps its
 * state per node. Redis is optional, so only {@code redis.mode: required} makes its absence fatal.
 */
public final class RedisSource {

  private static final Logger LOG = LoggerFactory.getLogger(RedisSource.class);
  private static final String LOCALHOST = "redis://localhost:6379";

  private final Vertx vertx;
  private final RedisConfig config;

  public RedisSource(Vertx vertx, RedisConfig config) {
    this.vertx = vertx;
    this.config = config;
  }

  public Future<RedisStore> resolve() {
    if (RedisConfig.OFF.equals(config.mode())) {
      return Future.succeededFuture(local("redis.mode is off"));
    }
    boolean configured = !config.url().isEmpty();
    String url = configured ? config.url() : LOCALHOST;
    String where = configured ? "redis.url" : "localhost:6379";
    Redis client = Redis.createClient(vertx, new RedisOptions().setConnectionString(url).setMaxPoolSize(8)
        .setMaxPoolWaiting(256));
    return ping(client)
        .map(v -> {
          LOG.info("store redis: {} - {} answered PING", where, where);
          return new RedisStore(client, where, where + " answered PING");
        })
        .recover(e -> {
          client.close();
          if (RedisConfig.REQUIRED.equals(config.mode())) {
            return Future.failedFuture(new IllegalStateException("redis.mode is required but " + where + " is unusable: " + e.getMessage(), e));
          }
          return Future.succeededFuture(local(where + " is unusable (" + e.getMessage() + ")"));
        });
  }

  /** PING with the configured timeout; a dead address must not hang start-up. */
  public Future<Void> ping(Redis client) {
    return client.send(Request.cmd(Command.PING))
        .timeout(config.connectTimeoutMs(), TimeUnit.MILLISECONDS)
        .mapEmpty();
  }

  private static RedisStore local(String reason) {
    LOG.warn("store redis: local mode (per-node state, nothing shared) - {}", reason);
    return new RedisStore(null, "local", reason);
  }
}
