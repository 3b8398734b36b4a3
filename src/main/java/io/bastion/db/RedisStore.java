package io.bastion.db;

import io.vertx.redis.client.Redis;

/**
 * The Redis this node uses, or local mode.
 *
 * @param client null in local mode
 * @param where  "redis.url", "localhost:6379" or "local"
 */
public record RedisStore(Redis client, String where, String reason) {

  public boolean local() {
    return client == null;
  }
}
