package io.bastion.admin;

import io.bastion.NodeInfo;
import io.bastion.db.StoreHealth;
import io.bastion.monitoring.MonitoringAddresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

/**
 * Control plane of the node itself: answers {@link NodeAddresses#STATUS} (what `bastion ctl status`
 * shows) from what the composition root recorded and the latest metrics snapshot.
 */
public final class AdminVerticle extends VerticleBase {

  private final NodeInfo node;
  private final StoreHealth stores;
  private volatile double requestsPerSecond;

  public AdminVerticle(NodeInfo node, StoreHealth stores) {
    this.node = node;
    this.stores = stores;
  }

  @Override
  public Future<?> start() {
    var snapshots = vertx.eventBus().<JsonObject>consumer(MonitoringAddresses.SNAPSHOT,
        message -> requestsPerSecond = message.body().getDouble("requestsPerSecond", 0.0));
    var status = vertx.eventBus().<JsonObject>consumer(NodeAddresses.STATUS, message -> message.reply(status()));
    return Future.all(snapshots.completion(), status.completion());
  }

  private JsonObject status() {
    return new JsonObject()
        .put("node", node.id())
        .put("version", node.version())
        .put("uptimeSeconds", node.uptime().toSeconds())
        .put("stores", new JsonObject()
            .put("postgres", new JsonObject().put("source", stores.postgres().source().label())
                .put("reason", stores.postgres().reason()))
            .put("redis", new JsonObject().put("mode", stores.redis().local() ? "local" : "redis")
                .put("where", stores.redis().where()).put("reason", stores.redis().reason())))
        .put("verticles", node.verticles())
        .put("requestsPerSecond", requestsPerSecond);
  }
}
