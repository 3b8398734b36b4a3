package io.bastion.gateway;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Pipeline step 2: request id, trace context and client IP. An incoming X-Request-Id is kept when it is
 * short and plain (so ids can be correlated across proxies without letting clients inject log content);
 * a valid traceparent is passed through, otherwise a new trace is started.
 */
final class RequestContextHandler implements Handler<RoutingContext> {

  private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{8,64}");
  private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
  private static final String ZERO_TRACE = "0".repeat(32);
  private static final String ZERO_SPAN = "0".repeat(16);

  private final TrustedProxies trustedProxies;

  RequestContextHandler(TrustedProxies trustedProxies) {
    this.trustedProxies = trustedProxies;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    HttpServerRequest request = ctx.request();
    String requestId = request.getHeader("X-Request-Id");
    if (requestId == null || !REQUEST_ID.matcher(requestId).matches()) {
      requestId = randomHex(16);
    }
    String traceparent = request.getHeader("traceparent");
    String traceId;
    var match = traceparent == null ? null : TRACEPARENT.matcher(traceparent);
    if (match != null && match.matches() && !ZERO_TRACE.equals(match.group(1)) && !ZERO_SPAN.equals(match.group(2))) {
      traceId = match.group(1);
    } else {
      traceId = randomHex(16);
      traceparent = "00-" + traceId + "-" + randomHex(8) + "-01";
    }
    ctx.put(RequestContext.KEY, new RequestContext(requestId, traceparent, traceId, clientIp(request), start));
    ctx.response().putHeader("X-Request-Id", requestId);
    ctx.next();
  }

  /** The remote address, or the nearest untrusted hop in X-Forwarded-For when the peer is a trusted proxy. */
  private String clientIp(HttpServerRequest request) {
    String peer = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
    if (!trustedProxies.trusts(peer)) {
      return peer;
    }
    String forwarded = request.getHeader("X-Forwarded-For");
    if (forwarded == null) {
      return peer;
    }
    String[] hops = forwarded.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].trim();
      if (!trustedProxies.trusts(hop)) {
        return hop.isEmpty() ? peer : hop;
      }
    }
    return hops[0].trim();
  }

  private static String randomHex(int bytes) {
    byte[] random = new byte[bytes];
    ThreadLocalRandom.current().nextBytes(random);
    return HexFormat.of().formatHex(random);
  }
}
