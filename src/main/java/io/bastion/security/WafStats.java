package io.bastion.security;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the node's WAF did lately, aggregated from the security events the gateway publishes: blocks and
 * detections per minute over the last hour, the rules and tags that fired most in that hour, and the most
 * recent events (already redacted by the gateway: rule ids, tags, variable names, never values). Confined to
 * the {@link SecurityVerticle}'s event loop, so not thread-safe; memory is bounded by the hour's 60 buckets
 * (each at most as many keys as the rule set has ids and tags) and {@link #RECENT} events.
 */
final class WafStats {

  static final int MINUTES = 60;
  static final int RECENT = 50;
  private static final int TOP = 10;
  private static final Set<String> EVENT_FIELDS = Set.of("time", "outcome", "mode", "wouldBlock", "ruleIds", "tags",
      "anomalyScore", "matchedVariables", "budgetExhausted", "requestId", "clientIp", "method", "route");

  private static final class Minute {
    final long minute;
    int blocked;
    int detected;
    final Map<Integer, Integer> rules = new HashMap<>();
    final Map<String, Integer> tags = new HashMap<>();

    Minute(long minute) {
      this.minute = minute;
    }
  }

  private final Deque<Minute> minutes = new ArrayDeque<>();
  private final Deque<JsonObject> recent = new ArrayDeque<>();

  /** Counts one security event of type waf (published by the gateway) seen at {@code nowMillis}. */
  void record(JsonObject event, long nowMillis) {
    Minute bucket = bucket(nowMillis / 60_000);
    if ("blocked".equals(event.getString("outcome"))) {
      bucket.blocked++;
    } else {
      bucket.detected++;
    }
    for (Object id : event.getJsonArray("ruleIds", new JsonArray())) {
      if (id instanceof Number n) {
        bucket.rules.merge(n.intValue(), 1, Integer::sum);
      }
    }
    for (Object tag : event.getJsonArray("tags", new JsonArray())) {
      bucket.tags.merge(String.valueOf(tag), 1, Integer::sum);
    }
    JsonObject kept = new JsonObject();
    EVENT_FIELDS.forEach(field -> kept.put(field, event.getValue(field)));
    recent.addFirst(kept);
    if (recent.size() > RECENT) {
      recent.removeLast();
    }
  }

  private Minute bucket(long minute) {
    Minute last = minutes.peekLast();
    if (last != null && last.minute == minute) {
      return last;
    }
    Minute created = new Minute(minute);
    minutes.addLast(created);
    expire(minute);
    return created;
  }

  private void expire(long nowMinute) {
    while (!minutes.isEmpty() && minutes.peekFirst().minute <= nowMinute - MINUTES) {
      minutes.removeFirst();
    }
  }

  /**
   * The summary for the status reply and the dashboard: {@code perMinute} (60 entries, oldest first, each
   * {@code {minute (epoch ms), blocked, detected}}), blocks in the last minute and hour, top rules and tags.
   */
  JsonObject snapshot(long nowMillis) {
    long now = nowMillis / 60_000;
    expire(now);
    Map<Long, Minute> byMinute = new HashMap<>();
    minutes.forEach(m -> byMinute.put(m.minute, m));
    JsonArray perMinute = new JsonArray();
    int hourBlocked = 0;
    int hourDetected = 0;
    Map<Integer, Integer> rules = new HashMap<>();
    Map<String, Integer> tags = new HashMap<>();
    for (long m = now - MINUTES + 1; m <= now; m++) {
      Minute b = byMinute.get(m);
      perMinute.add(new JsonObject().put("minute", m * 60_000).put("blocked", b == null ? 0 : b.blocked)
          .put("detected", b == null ? 0 : b.detected));
      if (b != null) {
        hourBlocked += b.blocked;
        hourDetected += b.detected;
        b.rules.forEach((k, v) -> rules.merge(k, v, Integer::sum));
        b.tags.forEach((k, v) -> tags.merge(k, v, Integer::sum));
      }
    }
    Minute current = byMinute.get(now);
    return new JsonObject()
        .put("blocksLastMinute", current == null ? 0 : current.blocked)
        .put("blocksLastHour", hourBlocked)
        .put("detectionsLastHour", hourDetected)
        .put("perMinute", perMinute)
        .put("topRules", top(rules, "id"))
        .put("topTags", top(tags, "tag"));
  }

  /** The newest events first. */
  JsonArray recent() {
    return new JsonArray(List.copyOf(recent));
  }

  private static <K extends Comparable<K>> JsonArray top(Map<K, Integer> counts, String key) {
    JsonArray out = new JsonArray();
    Iterator<Map.Entry<K, Integer>> sorted = counts.entrySet().stream()
        .sorted(Map.Entry.<K, Integer>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
        .limit(TOP).iterator();
    sorted.forEachRemaining(e -> out.add(new JsonObject().put(key, e.getKey()).put("count", e.getValue())));
    return out;
  }
}
