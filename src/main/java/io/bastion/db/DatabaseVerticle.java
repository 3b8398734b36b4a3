package io.bastion.db;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

/**
 * Control plane of the stores: answers health questions for the dashboard and CLI. Migrations ran
 * before it was deployed (the composition root does that before any traffic); slow-query analysis and
 * index advice arrive with the database-performance issue.
 */
public final class DatabaseVerticle extends VerticleBase {

  private final StoreHealth health;
  private MessageConsumer<JsonObject> consumer;

  public DatabaseVerticle(StoreHealth health) {
    this.health = health;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().consumer(DbAddresses.HEALTH, message ->
        health.check().onSuccess(message::reply));
    return consumer.completion();
  }
}
