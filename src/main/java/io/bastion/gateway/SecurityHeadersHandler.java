package io.bastion.gateway;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

/**
 * Security headers on every response. The CSP allows no inline script or style, so the dashboard loads
 * every script and stylesheet from Bastion itself. Responses are not cacheable unless a handler says so:
 * API responses can hold PHI.
 */
final class SecurityHeadersHandler implements Handler<RoutingContext> {

  static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      + "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
      + "frame-ancestors 'none'";

  private final String hsts;

  SecurityHeadersHandler(HttpConfig http) {
    this.hsts = http.tls() && http.hstsMaxAgeSeconds() > 0
        ? "max-age=" + http.hstsMaxAgeSeconds() + "; includeSubDomains" : null;
  }

  @Override
  public void handle(RoutingContext ctx) {
    MultiMap headers = ctx.response().headers();
    headers.set("Content-Security-Policy", CSP);
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("Referrer-Policy", "no-referrer");
    headers.set("X-Frame-Options", "DENY");
    headers.set("Cross-Origin-Opener-Policy", "same-origin");
    headers.set("Cross-Origin-Resource-Policy", "same-origin");
    headers.set("Cache-Control", "no-store");
    if (hsts != null) {
      headers.set("Strict-Transport-Security", hsts);
    }
    ctx.next();
  }
}
