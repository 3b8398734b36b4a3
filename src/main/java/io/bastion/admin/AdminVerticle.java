package io.bastion.admin;

import io.bastion.NodeInfo;
import io.bastion.db.StoreHealth;
import io.bastion.monitoring.MonitoringAddresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Control plane of the node itself: answers {@link NodeAddresses#STATUS} (what `bastion ctl status`
 * shows) from what the composition root recorded and the latest metrics snapshot, and runs the ctl
 * bridge ({@link CtlBridge}) when ctl.listen (or a configured bootstrap ctl.token) says so.
 */
public final class AdminVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(AdminVerticle.class);

  private final NodeInfo node;
  private final StoreHealth stores;
  private final CtlConfig ctl;
  private final CtlTokens tokens;
  private volatile double requestsPerSecond;
  private CtlBridge bridge;

  public AdminVerticle(NodeInfo node, StoreHealth stores, CtlConfig ctl, CtlTokens tokens) {
    this.node = node;
    this.stores = stores;
    this.ctl = ctl;
    this.tokens = tokens;
  }

  @Override
  public Future<?> start() {
    var snapshots = vertx.eventBus().<JsonObject>consumer(MonitoringAddresses.SNAPSHOT,
        message -> requestsPerSecond = message.body().getDouble("requestsPerSecond", 0.0));
    var status = vertx.eventBus().<JsonObject>consumer(NodeAddresses.STATUS, message -> message.reply(status()));
    return Future.all(snapshots.completion(), status.completion()).compose(v -> startCtlBridge());
  }

  @Override
  public Future<?> stop() {
    return bridge == null ? Future.succeededFuture() : bridge.close();
  }

  private Future<?> startCtlBridge() {
    if (!ctl.enabled()) {
      LOG.info("ctl bridge disabled: ctl.listen is {} and ctl.token is {} (set BASTION_CTL_TOKEN or ctl.listen=on to use `bastion ctl`)",
          ctl.listen(), ctl.hasBootstrapToken() ? "set" : "empty");
      return Future.succeededFuture();
    }
    return CtlBridge.start(vertx, ctl, tokens).onSuccess(started -> bridge = started);
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
