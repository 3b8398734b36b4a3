package io.bastion.gateway;

import io.vertx.ext.web.RoutingContext;

/**
 * What the pipeline knows about a request before any handler runs: its id (echoed as X-Request-Id and
 * in every log line), its W3C trace context, the client address (trusted-proxy aware) and its start time.
 */
public record RequestContext(String requestId, String traceparent, String traceId, String clientIp, long startNanos) {

  static final String KEY = "bastion.request";

  public static RequestContext of(RoutingContext ctx) {
    return ctx.get(KEY);
  }
}
