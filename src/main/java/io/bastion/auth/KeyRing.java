package io.bastion.auth;

import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys tokens are verified with: static keys (PEM files, HS256 secret) plus the identity provider's
 * JWKS, fetched over HTTP and cached. The JWKS is refreshed in the background once older than its TTL,
 * and refetched on demand when a token names an unknown kid — at most once per minimum interval, so
 * forged kids cannot turn Bastion into a flood against the provider. Fetches go through a circuit
 * breaker: during a provider outage, requests that need a fetch fail fast instead of queueing.
 * Thread-safe: gateway instances on every event loop share one ring.
 */
final class KeyRing {

  private static final Logger LOG = LoggerFactory.getLogger(KeyRing.class);
  /** Largest JWKS document accepted; real ones are a few KB. */
  static final int MAX_JWKS_BYTES = 256 * 1024;

  private final Vertx vertx;
  private final AuthConfig config;
  private final Clock clock;
  private final List<JsonObject> staticKeys;
  private final WebClient client;
  private final CircuitBreaker breaker;
  private final AtomicReference<KeySet> current;
  private final AtomicReference<Future<KeySet>> inFlight = new AtomicReference<>();
  private final AtomicLong lastFetchStarted = new AtomicLong(Long.MIN_VALUE);

  KeyRing(Vertx vertx, AuthConfig config, Clock clock, List<JsonObject> staticKeys) {
    this.vertx = vertx;
    this.config = config;
    this.clock = clock;
    this.staticKeys = List.copyOf(staticKeys);
    this.current = new AtomicReference<>(KeySet.of(vertx, staticKeys, -1));
    if (config.jwksUrl() == null) {
      this.client = null;
      this.breaker = null;
    } else {
      this.client = WebClient.create(vertx, new WebClientOptions().setUserAgent("bastion-jwks")
          .setConnectTimeout((int) config.jwksTimeout().toMillis()).setFollowRedirects(false));
      long timeout = config.jwksTimeout().toMillis();
      this.breaker = CircuitBreaker.create("bastion-jwks", vertx, new CircuitBreakerOptions()
          .setMaxFailures(config.jwksBreakerFailures())
          .setTimeout(timeout + 500)
          .setResetTimeout(config.jwksBreakerReset().toMillis())
          // failures are at least jwks-min-refetch apart: count them over a window that can hold them all
          .setFailuresRollingWindow(Math.max(10_000, 2 * (config.jwksMinRefetch().toMillis() + timeout)
              * config.jwksBreakerFailures()))
          .setNotificationAddress(null))
          .openHandler(v -> LOG.warn("JWKS {}: circuit open after {} failed fetches; requests needing keys fail fast for {} s",
              config.jwksUrl(), config.jwksBreakerFailures(), config.jwksBreakerReset().toSeconds()))
          .closeHandler(v -> LOG.info("JWKS {}: circuit closed, the identity provider answers again", config.jwksUrl()));
    }
  }

  /** The keys to use now. A stale JWKS is still used while a background refresh replaces it. */
  KeySet current() {
    KeySet keys = current.get();
    if (client != null && keys.fetchedAt() >= 0
        && clock.millis() - keys.fetchedAt() >= config.jwksCacheTtl().toMillis() && mayFetch()) {
      fetch();
    }
    return keys;
  }

  /**
   * A chance to learn a key the current set lacks: joins a fetch in flight, or starts one when the
   * minimum interval allows (always, while no JWKS has ever been fetched: then only the breaker limits).
   * Completes with the current set when no fetch may run, and never fails.
   */
  Future<KeySet> refetch() {
    if (client == null) {
      return Future.succeededFuture(current.get());
    }
    Future<KeySet> running = inFlight.get();
    if (running != null) {
      return running;
    }
    if (!mayFetch()) {
      running = inFlight.get(); // another loop may have just claimed the fetch
      return running != null ? running : Future.succeededFuture(current.get());
    }
    return fetch();
  }

  /** True while the JWKS has been fetched at least once, or is not configured. */
  boolean jwksLoaded() {
    return client == null || current.get().fetchedAt() >= 0;
  }

  /** CLOSED, OPEN or HALF_OPEN; null without a JWKS URL. For health and tests. */
  CircuitBreakerState breakerState() {
    return breaker == null ? null : breaker.state();
  }

  int staticKeyCount() {
    return staticKeys.size();
  }

  private boolean mayFetch() {
    long now = clock.millis();
    long last = lastFetchStarted.get();
    boolean neverLoaded = current.get().fetchedAt() < 0;
    if (!neverLoaded && last != Long.MIN_VALUE && now - last < config.jwksMinRefetch().toMillis()) {
      return false;
    }
    return lastFetchStarted.compareAndSet(last, now);
  }

  private Future<KeySet> fetch() {
    io.vertx.core.Promise<KeySet> promise = io.vertx.core.Promise.promise();
    if (!inFlight.compareAndSet(null, promise.future())) {
      return inFlight.get() == null ? Future.succeededFuture(current.get()) : inFlight.get();
    }
    URI url = config.jwksUrl();
    breaker.<List<JsonObject>>execute(() -> client.getAbs(url.toString())
            .timeout(config.jwksTimeout().toMillis())
            .putHeader("Accept", "application/jwk-set+json, application/json")
            .send()
            .map(response -> {
              if (response.statusCode() != 200) {
                throw new IllegalStateException("HTTP " + response.statusCode());
              }
              if (response.body() == null || response.body().length() > MAX_JWKS_BYTES) {
                throw new IllegalStateException("empty or larger than " + MAX_JWKS_BYTES + " bytes");
              }
              List<String> skipped = new ArrayList<>();
              List<JsonObject> keys = Jwks.parse(response.bodyAsJsonObject(), config.algorithms(), skipped::add);
              if (!skipped.isEmpty()) {
                LOG.warn("JWKS {}: skipped {}", url, skipped);
              }
              return keys;
            }))
        // building the key set parses keys with the JCA: a worker's job, and rare
        .compose(fetched -> vertx.executeBlocking(() -> {
          List<JsonObject> all = new ArrayList<>(staticKeys);
          all.addAll(fetched);
          return KeySet.of(vertx, all, clock.millis());
        }, false))
        .onComplete(result -> {
          KeySet keys;
          if (result.succeeded()) {
            keys = result.result();
            current.set(keys);
            LOG.info("JWKS {} loaded: {} usable keys", url, keys.size() - staticKeys.size());
          } else if (result.cause() instanceof OpenCircuitException) {
            keys = current.get(); // logged once, when the circuit opened
          } else {
            keys = current.get();
            LOG.warn("JWKS {} fetch failed ({}); keeping {} cached keys, circuit {}", url,
                result.cause().getMessage(), keys.size(), breaker.state());
          }
          inFlight.set(null);
          promise.complete(keys);
        });
    return promise.future();
  }

  void close() {
    if (client != null) {
      client.close();
      breaker.close();
    }
  }
}
