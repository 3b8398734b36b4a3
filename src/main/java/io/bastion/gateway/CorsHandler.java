package io.bastion.gateway;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Set;

/**
 * CORS for the SMART-facing paths (/fhir, /auth, /.well-known), before authentication: a preflight
 * ({@code OPTIONS} with {@code Access-Control-Request-Method}) from an allowed origin is answered 204 here,
 * without a token; an actual request from an allowed origin gets {@code Access-Control-Allow-Origin} and the
 * exposed headers. A request from any other origin passes through without CORS headers (the browser then
 * withholds the response), and its preflight is refused with 403.
 * <p>
 * Not Vert.x's own CorsHandler: it fails every request whose Origin is not listed with 403, which would
 * also refuse non-browser clients and same-origin requests that happen to send an Origin header.
 */
public final class CorsHandler implements Handler<RoutingContext> {

  static final String METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE";
  static final String HEADERS = "Authorization, Content-Type, Accept, Prefer, If-Match, If-None-Match, If-None-Exist, "
      + "If-Modified-Since, X-Request-Id";
  static final String EXPOSED = "Location, Content-Location, ETag, Last-Modified, X-Request-Id, WWW-Authenticate, "
      + "Retry-After";
  private static final Set<String> ALLOWED_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");

  private final CorsConfig config;

  public CorsHandler(CorsConfig config) {
    this.config = config;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    response.headers().add("Vary", "Origin");
    String origin = ctx.request().getHeader("Origin");
    boolean allowed = origin != null && (config.anyOrigin() || config.allowedOrigins().contains(origin.toLowerCase(Locale.ROOT)));
    String requestedMethod = ctx.request().getHeader("Access-Control-Request-Method");
    boolean preflight = ctx.request().method() == HttpMethod.OPTIONS && origin != null && requestedMethod != null;
    if (preflight) {
      if (!allowed || !ALLOWED_METHODS.contains(requestedMethod)) {
        ErrorRenderer.render(ctx, 403, "cross-origin requests from this origin are not allowed");
        return;
      }
      allowOrigin(response, origin);
      response.putHeader("Access-Control-Allow-Methods", METHODS)
          .putHeader("Access-Control-Allow-Headers", HEADERS)
          .putHeader("Access-Control-Max-Age", Integer.toString(config.maxAgeSeconds()))
          .setStatusCode(204).end();
      return;
    }
    if (allowed) {
      allowOrigin(response, origin);
      response.putHeader("Access-Control-Expose-Headers", EXPOSED);
    }
    ctx.next();
  }

  private void allowOrigin(HttpServerResponse response, String origin) {
    if (config.anyOrigin()) {
      response.putHeader("Access-Control-Allow-Origin", "*"); // never with credentials (CorsConfig refuses both)
    } else {
      response.putHeader("Access-Control-Allow-Origin", origin);
      if (config.allowCredentials()) {
        response.putHeader("Access-Control-Allow-Credentials", "true");
      }
    }
  }
}
