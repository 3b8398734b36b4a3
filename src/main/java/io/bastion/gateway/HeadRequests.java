package io.bastion.gateway;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * HEAD answered wherever GET is (RFC 9110, 9.3.2: general-purpose servers must support both): the request is routed
 * again as a GET, so it meets the same pipeline (WAF, authentication, authorisation, audit), and Vert.x leaves the
 * body out of the response to a HEAD while keeping its status and headers (Content-Length only where a handler sets
 * it, as the static dashboard files do; RFC 9110 allows leaving it out). Load balancers and monitors often probe
 * health endpoints with HEAD.
 */
final class HeadRequests implements Handler<RoutingContext> {

  /** Set on a request that arrived as HEAD, for the access log. */
  static final String ARRIVED_AS_HEAD = "bastion.head";

  @Override
  public void handle(RoutingContext ctx) {
    if (ctx.request().method() == HttpMethod.HEAD) {
      ctx.put(ARRIVED_AS_HEAD, Boolean.TRUE);
      ctx.reroute(HttpMethod.GET, ctx.request().uri());
    } else {
      ctx.next();
    }
  }

  /** The method as the client sent it. */
  static String method(RoutingContext ctx) {
    return ctx.get(ARRIVED_AS_HEAD) != null ? "HEAD" : ctx.request().method().name();
  }
}
