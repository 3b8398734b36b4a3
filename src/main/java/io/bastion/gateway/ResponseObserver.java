package io.bastion.gateway;

import io.bastion.monitoring.TrafficMeter;
import io.vertx.core.Handler;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pipeline step 10: once the response is written, feed the traffic meter and write the access-log
 * line. The line names the route template, never the raw path or query string, which can carry PHI.
 */
final class ResponseObserver implements Handler<RoutingContext> {

  private static final Logger ACCESS = LoggerFactory.getLogger("bastion.access");
  /** The first path segments Bastion serves; anything else is not ours to name. */
  private static final Set<String> AREAS = Set.of("fhir", "admin", "auth", "health", "metrics", ".well-known");
  private final TrafficMeter traffic;
  private final boolean accessLog;

  ResponseObserver(TrafficMeter traffic, boolean accessLog) {
    this.traffic = traffic;
    this.accessLog = accessLog;
  }

  @Override
  public void handle(RoutingContext ctx) {
    ctx.addEndHandler(done -> {
      if (done.failed() && !ctx.response().ended() && !ctx.response().closed()) {
        // the request failed while its body was read (a malformed chunk or form): Vert.x ends the request now, and
        // the error handler answers after this; record what the client then gets, not the 200 not yet replaced
        ctx.addBodyEndHandler(written -> record(ctx, true));
        return;
      }
      record(ctx, done.succeeded());
    });
    ctx.next();
  }

  private void record(RoutingContext ctx, boolean completed) {
    RequestContext request = RequestContext.of(ctx);
    int status = ctx.response().getStatusCode();
    long nanos = System.nanoTime() - request.startNanos();
    traffic.record(status, nanos);
    if (accessLog) {
      ACCESS.atInfo()
          .addKeyValue("requestId", request.requestId())
          .addKeyValue("traceId", request.traceId())
          .addKeyValue("method", HeadRequests.method(ctx))
          .addKeyValue("route", routeTemplate(ctx))
          .addKeyValue("status", status)
          .addKeyValue("durationMs", Math.round(nanos / 10_000.0) / 100.0)
          .addKeyValue("bytesSent", ctx.response().bytesWritten())
          .addKeyValue("client", request.clientIp())
          .addKeyValue("completed", completed)
          .log("request");
    }
  }

  static String routeTemplate(RoutingContext ctx) {
    Route route = ctx.currentRoute();
    String name = route == null ? null : route.getName(); // the template, or the name a regex route was given
    return name != null ? name : area(ctx.normalizedPath());
  }

  /**
   * A request that failed (ctx.fail) has no current route any more: Vert.x restarts routing to look for a
   * failure handler. It is labelled by the area its path starts with ("/fhir/*"), never by more of the path,
   * which can carry identifiers.
   */
  static String area(String path) {
    if (path == null || path.length() < 2 || path.charAt(0) != '/') {
      return "(unmatched)";
    }
    int end = path.indexOf('/', 1);
    String first = end < 0 ? path.substring(1) : path.substring(1, end);
    if (!AREAS.contains(first)) {
      return "(unmatched)";
    }
    return end < 0 ? "/" + first : "/" + first + "/*";
  }
}
