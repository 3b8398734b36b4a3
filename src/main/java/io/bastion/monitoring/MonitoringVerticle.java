package io.bastion.monitoring;

import io.bastion.db.StoreHealth;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Turns the gateway's traffic counters and the stores' health into one snapshot per interval, publishes
 * it on {@link MonitoringAddresses#SNAPSHOT} (the dashboard's Overview) and keeps a bounded history for
 * charts that open mid-stream.
 */
public final class MonitoringVerticle extends VerticleBase {

  private final String nodeId;
  private final MonitoringConfig config;
  private final TrafficMeter traffic;
  private final StoreHealth stores;
  private final EventLoopUtilisation eventLoops = new EventLoopUtilisation();
  private final Deque<JsonObject> history = new ArrayDeque<>();
  private long lastTick = System.nanoTime();
  private long timerId = -1;

  public MonitoringVerticle(String nodeId, MonitoringConfig config, TrafficMeter traffic, StoreHealth stores) {
    this.nodeId = nodeId;
    this.config = config;
    this.traffic = traffic;
    this.stores = stores;
  }

  @Override
  public Future<?> start() {
    timerId = vertx.setPeriodic(config.snapshotIntervalMs(), id -> publishSnapshot());
    return vertx.eventBus().<JsonObject>consumer(MonitoringAddresses.HISTORY,
        message -> message.reply(new JsonObject().put("snapshots", new JsonArray(history.stream().toList()))))
        .completion();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timerId);
    return Future.succeededFuture();
  }

  private void publishSnapshot() {
    long now = System.nanoTime();
    double seconds = Math.max(1e-3, (now - lastTick) / 1e9);
    lastTick = now;
    TrafficMeter.Interval interval = traffic.drain();
    double utilisation = eventLoops.sample();
    JsonObject snapshot = new JsonObject()
        .put("ts", System.currentTimeMillis())
        .put("node", nodeId)
        .put("requestsPerSecond", round(interval.requests() / seconds))
        .put("latencyMs", new JsonObject()
            .put("p50", interval.percentileMillis(50))
            .put("p95", interval.percentileMillis(95))
            .put("p99", interval.percentileMillis(99)))
        .put("errorRate", interval.requests() == 0 ? 0.0 : round(interval.serverErrors() / (double) interval.requests()))
        .put("eventLoopUtilisation", round(utilisation))
        .put("heapUsedBytes", Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory())
        .put("totalRequests", traffic.totalRequests());
    stores.check().onSuccess(checks -> {
      JsonObject pg = checks.getJsonArray("postgres:connection").getJsonObject(0);
      JsonObject redis = checks.getJsonArray("redis:connection").getJsonObject(0);
      snapshot.put("postgres", new JsonObject().put("status", pg.getString("status"))
          .put("source", stores.postgres().source().label()).put("output", pg.getString("output")));
      snapshot.put("redis", new JsonObject().put("status", redis.getString("status"))
          .put("mode", stores.redis().local() ? "local" : "redis").put("output", redis.getString("output")));
      history.addLast(snapshot);
      while (history.size() > config.historySize()) {
        history.removeFirst();
      }
      vertx.eventBus().publish(MonitoringAddresses.SNAPSHOT, snapshot);
    });
  }

  private static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
