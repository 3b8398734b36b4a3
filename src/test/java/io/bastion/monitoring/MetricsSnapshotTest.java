package io.bastion.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.testsupport.TestNode;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MetricsSnapshotTest {

  @Test
  void snapshotsArriveEverySecondAndCountTraffic() throws Exception {
    try (TestNode node = TestNode.start()) {
      for (int i = 0; i < 20; i++) {
        node.get("/health/live");
      }
      Promise<JsonObject> withTraffic = Promise.promise();
      var consumer = node.node().vertx().eventBus().<JsonObject>consumer(MonitoringAddresses.SNAPSHOT, message -> {
        if (message.body().getLong("totalRequests") >= 20) {
          withTraffic.tryComplete(message.body());
        }
      });
      JsonObject snapshot = withTraffic.future().await(10, TimeUnit.SECONDS);
      consumer.unregister().await();
      assertEquals("test-node", snapshot.getString("node"));
      assertTrue(snapshot.getDouble("requestsPerSecond") >= 0);
      assertTrue(snapshot.getJsonObject("latencyMs").containsKey("p99"));
      assertTrue(snapshot.getDouble("eventLoopUtilisation") >= 0 && snapshot.getDouble("eventLoopUtilisation") <= 1);
      assertEquals("pass", snapshot.getJsonObject("postgres").getString("status"));
      assertEquals("redis", snapshot.getJsonObject("redis").getString("mode"));

      JsonObject history = node.node().vertx().eventBus().<JsonObject>request(MonitoringAddresses.HISTORY, new JsonObject())
          .await(5, TimeUnit.SECONDS).body();
      assertTrue(history.getJsonArray("snapshots").size() >= 1);
    }
  }
}
