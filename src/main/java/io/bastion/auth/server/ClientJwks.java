package io.bastion.auth.server;

import com.nimbusds.jose.jwk.JWKSet;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A client's public keys: its inline JWKS, or its jwks_uri fetched and cached for
 * auth.server.jwks-uri-cache-seconds. An assertion whose kid is not in the cached set refetches, at most
 * once per {@link #MIN_REFETCH}, so forged kids cannot make Bastion hammer the client's server.
 */
final class ClientJwks {

  static final int MAX_BYTES = 64 * 1024;
  static final Duration MIN_REFETCH = Duration.ofSeconds(30);
  private static final int TIMEOUT_MS = 3000;
  private static final int MAX_CACHED = 10_000;

  private record Cached(JWKSet keys, long fetchedAt) {
  }

  private final WebClient client;
  private final Clock clock;
  private final Duration ttl;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  ClientJwks(Vertx vertx, Clock clock, Duration ttl) {
    this.client = WebClient.create(vertx, new WebClientOptions().setUserAgent("bastion-token-endpoint")
        .setConnectTimeout(TIMEOUT_MS).setFollowRedirects(false));
    this.clock = clock;
    this.ttl = ttl;
  }

  /** The client's keys; {@code unknownKid} asks for a fresh copy of a remote set (rate-limited). */
  Future<JWKSet> keysOf(ApiClient apiClient, boolean unknownKid) {
    if (apiClient.jwks() != null) {
      try {
        return Future.succeededFuture(JWKSet.parse(apiClient.jwks().encode()));
      } catch (ParseException e) {
        return Future.failedFuture(OAuthError.client("stored_jwks_unreadable"));
      }
    }
    String key = apiClient.clientId() + " " + apiClient.jwksUri();
    Cached cached = cache.get(key);
    long now = clock.millis();
    boolean fresh = cached != null && now - cached.fetchedAt < ttl.toMillis();
    boolean mayRefetch = cached == null || now - cached.fetchedAt >= MIN_REFETCH.toMillis();
    if (fresh && !(unknownKid && mayRefetch)) {
      return Future.succeededFuture(cached.keys);
    }
    if (!mayRefetch) {
      return Future.succeededFuture(cached.keys);
    }
    return client.getAbs(apiClient.jwksUri()).timeout(TIMEOUT_MS)
        .putHeader("Accept", "application/jwk-set+json, application/json").send()
        .map(response -> {
          if (response.statusCode() != 200 || response.body() == null || response.body().length() > MAX_BYTES) {
            throw OAuthError.client("jwks_uri_unusable");
          }
          try {
            JWKSet keys = JWKSet.parse(response.bodyAsString());
            if (cache.size() >= MAX_CACHED) {
              cache.clear();
            }
            cache.put(key, new Cached(keys, now));
            return keys;
          } catch (ParseException e) {
            throw OAuthError.client("jwks_uri_unusable");
          }
        })
        .recover(e -> cached != null ? Future.succeededFuture(cached.keys)
            : Future.failedFuture(e instanceof OAuthError ? e : OAuthError.client("jwks_uri_unreachable")));
  }

  void close() {
    client.close();
  }
}
