package io.bastion.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.testsupport.TestNode;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedisLocalModeTest {

  @Test
  void unreachableRedisMeansLocalModeAndReadinessSaysSo() {
    try (TestNode node = TestNode.startWithout(Map.of("redis.url", "redis://127.0.0.1:1", "redis.connect-timeout-ms", "500"))) {
      assertTrue(node.node().redis().local());
      var ready = node.get("/health/ready");
      assertEquals(200, ready.statusCode(), "Redis is optional: still ready");
      JsonObject body = ready.bodyAsJsonObject();
      assertEquals("warn", body.getString("status"));
      JsonObject redis = body.getJsonObject("checks").getJsonArray("redis:connection").getJsonObject(0);
      assertEquals("warn", redis.getString("status"));
      assertTrue(redis.getString("output").startsWith("local mode"), redis.encode());
    }
  }

  @Test
  void requiredRedisThatIsUnreachableStopsTheNode() {
    var failure = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> TestNode.startWithout(
        Map.of("redis.url", "redis://127.0.0.1:1", "redis.mode", "required", "redis.connect-timeout-ms", "500")));
    assertTrue(failure.getMessage().contains("redis.mode is required"), failure.getMessage());
  }
}
