package io.bastion.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Blocks per minute over a sliding hour, top rules and tags, the recent-events ring. */
class WafStatsTest {

  private static final long T0 = 1_800_000_000_000L; // a minute boundary

  private static JsonObject event(String outcome, int rule, String tag, int n) {
    return new JsonObject().put("type", "waf").put("outcome", outcome).put("ruleIds", new JsonArray().add(rule))
        .put("tags", new JsonArray().add(tag)).put("requestId", "r" + n).put("matchedVariables", new JsonArray().add("ARGS:q"))
        .put("secret", "must not be kept");
  }

  @Test
  void countsPerMinuteAndForgetsAfterAnHour() {
    WafStats stats = new WafStats();
    stats.record(event("blocked", 942100, "attack-sqli", 1), T0);
    stats.record(event("blocked", 942100, "attack-sqli", 2), T0 + 10_000);
    stats.record(event("detected", 941100, "attack-xss", 3), T0 + 20_000);
    stats.record(event("blocked", 941100, "attack-xss", 4), T0 + 60_000);
    stats.record(event("blocked", 930120, "attack-lfi", 5), T0 + 120_000);

    JsonObject now = stats.snapshot(T0 + 120_500);
    assertEquals(1, now.getInteger("blocksLastMinute"));
    assertEquals(4, now.getInteger("blocksLastHour"));
    assertEquals(1, now.getInteger("detectionsLastHour"));
    JsonArray perMinute = now.getJsonArray("perMinute");
    assertEquals(60, perMinute.size());
    assertEquals(new JsonObject().put("minute", T0).put("blocked", 2).put("detected", 1), perMinute.getJsonObject(57));
    assertEquals(new JsonObject().put("id", 941100).put("count", 2), now.getJsonArray("topRules").getJsonObject(0));
    assertEquals(new JsonObject().put("id", 942100).put("count", 2), now.getJsonArray("topRules").getJsonObject(1));
    assertEquals(new JsonObject().put("tag", "attack-sqli").put("count", 2), now.getJsonArray("topTags").getJsonObject(0));
    assertEquals(new JsonObject().put("tag", "attack-lfi").put("count", 1), now.getJsonArray("topTags").getJsonObject(2));

    JsonArray recent = stats.recent();
    assertEquals("r5", recent.getJsonObject(0).getString("requestId"));
    assertEquals(null, recent.getJsonObject(0).getValue("secret"), "only the known, redacted fields are kept");

    JsonObject later = stats.snapshot(T0 + 60 * 60_000 + 60_000);
    assertEquals(1, later.getInteger("blocksLastHour"), "the first two minutes have left the hour");
    assertEquals(0, later.getInteger("blocksLastMinute"));
    assertEquals(1, later.getJsonArray("topRules").size());
  }

  @Test
  void keepsOnlyTheNewestEvents() {
    WafStats stats = new WafStats();
    for (int i = 0; i < WafStats.RECENT + 20; i++) {
      stats.record(event("blocked", 1, "t", i), T0 + i);
    }
    assertEquals(WafStats.RECENT, stats.recent().size());
    assertEquals("r" + (WafStats.RECENT + 19), stats.recent().getJsonObject(0).getString("requestId"));
  }
}
