package io.bastion.auth.server;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * At most N token requests per client id (claimed, before authentication) per minute, on this node: a
 * client that loops on the token endpoint, or someone guessing a client's secret, is slowed to N tries a
 * minute. A fixed one-minute window, forgotten when the next begins; bounded memory.
 */
final class TokenRateLimiter {

  private static final int MAX_TRACKED = 100_000;

  private record Window(long minute, AtomicInteger count) {
  }

  private final Clock clock;
  private final int perMinute;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  TokenRateLimiter(Clock clock, int perMinute) {
    this.clock = clock;
    this.perMinute = perMinute;
  }

  /** Seconds until the client may try again; 0 when this request may go ahead. */
  long retryAfter(String key) {
    long millis = clock.millis();
    long minute = millis / 60_000;
    if (windows.size() >= MAX_TRACKED) {
      windows.clear();
    }
    Window window = windows.compute(key, (k, old) -> old == null || old.minute != minute
        ? new Window(minute, new AtomicInteger()) : old);
    if (window.count.incrementAndGet() <= perMinute) {
      return 0;
    }
    return Math.max(1, (minute + 1) * 60 - millis / 1000);
  }
}
