package io.bastion.gateway;

import io.bastion.NodeInfo;
import io.bastion.db.StoreHealth;
import io.bastion.monitoring.TrafficMeter;
import io.bastion.security.WafAuditLog;
import io.bastion.security.WafRuntime;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Map;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Everything the gateway instances share, built once by the composition root; and the route table in
 * pipeline order (DESIGN.md, "Request pipeline"). Later capabilities insert their pipeline steps here.
 */
public final class Gateway {

  /**
   * Statuses whose failures ErrorRenderer answers. 200 is among them because Vert.x hands a body that failed while
   * being read (a malformed chunk) to the handler of the response's status so far, 200: without one, Vert.x logs
   * an ERROR of its own for each such request.
   */
  private static final int[] RENDERED_ERRORS = {200, 400, 401, 403, 404, 405, 406, 409, 412, 413, 414, 415, 422, 429, 431,
      500, 501, 502, 503, 504};

  private final HttpConfig http;
  private final boolean accessLog;
  private final TrafficMeter traffic;
  private final NodeInfo node;
  private final StoreHealth stores;
  private final PrometheusMeterRegistry registry;
  private final List<RouteModule> modules;
  /** Bearer-token authentication for /fhir, or null when auth.enabled is false. */
  private final Handler<RoutingContext> authentication;
  private final AtomicInteger boundPort = new AtomicInteger(-1);
  /** The WAF shared by every instance (swapped atomically inside), or null when waf.rules is empty. */
  private WafRuntime waf;
  /** The audit log of blocked transactions, or null when waf.audit-log is off. */
  private WafAuditLog wafAuditLog;
  /** Made with the first router when a WAF runs. */
  private LargeBodyInspection largeBodies;
  /** CORS for SMART apps, or null when http.cors.allowed-origins is empty. */
  private CorsConfig cors;

  public Gateway(HttpConfig http, boolean accessLog, TrafficMeter traffic, NodeInfo node, StoreHealth stores,
      PrometheusMeterRegistry registry, List<RouteModule> modules, Handler<RoutingContext> authentication) {
    this.http = http;
    this.accessLog = accessLog;
    this.traffic = traffic;
    this.node = node;
    this.stores = stores;
    this.registry = registry;
    this.modules = List.copyOf(modules);
    this.authentication = authentication;
  }

  /**
   * Runs this WAF inline (pipeline step 5) in whatever mode it is switched to, logging blocks to the audit
   * log (null: none); a null runtime: no WAF. Call before the gateway is deployed.
   */
  public Gateway waf(WafRuntime waf, WafAuditLog auditLog) {
    this.waf = waf;
    this.wafAuditLog = auditLog;
    return this;
  }

  /** Answers CORS (preflights before WAF and authentication) on the SMART-facing paths; call before deploying. */
  public Gateway cors(CorsConfig cors) {
    this.cors = cors != null && cors.enabled() ? cors : null;
    return this;
  }

  /** One router per gateway instance: handlers are cheap, the shared state they consult is not copied. */
  Router router(Vertx vertx) {
    Router router = Router.router(vertx);
    router.route().handler(new HeadRequests());
    // 1-2: limits, request context; 10: observe the response once written
    router.route().handler(new RequestContextHandler(http.trustedProxies()));
    router.route().handler(new ResponseObserver(traffic, accessLog));
    router.route().handler(new SecurityHeadersHandler(http));
    router.route().handler(new BodyLimitHandler(http.maxBodyBytes()));
    if (cors != null) {
      CorsHandler corsHandler = new CorsHandler(cors);
      for (String path : List.of("/fhir/*", "/auth/*", "/.well-known/*")) {
        router.route(path).handler(corsHandler);
      }
    }
    // 3-4 (blocklist, rate limit) and 7 (cache) arrive with their issues.
    // 5: WAF phase 1 -> body read under the limits -> WAF phase 2 (when rules are loaded). While the mode is
    // off, phase 1 starts no transaction and the body is left to the handlers, as without a WAF.
    if (waf != null) {
      WafHandler handler = new WafHandler(waf, wafAuditLog, vertx.eventBus(), registry, largeBodies(vertx));
      router.route().handler(handler::headers);
      for (RouteModule module : modules) {
        for (Map.Entry<String, Long> limit : module.bodyLimits().entrySet()) {
          router.route(limit.getKey()).handler(handler.whenInspecting(BodyHandler.create(false).setBodyLimit(limit.getValue())));
        }
      }
      router.route().handler(handler.whenInspecting(BodyHandler.create(false).setBodyLimit(http.maxBodyBytes())));
      router.route().handler(handler::body);
    }
    // 6: authentication (bearer JWT) for the FHIR API; authorisation is per route, in the modules.
    if (authentication != null) {
      router.route("/fhir/*").handler(authentication);
    }
    // 8: handlers
    new HealthRoutes(node, stores).mount(router);
    new MetricsRoute(registry).mount(router);
    for (RouteModule module : modules) {
      module.mount(vertx, router);
    }
    for (int status : RENDERED_ERRORS) {
      router.errorHandler(status, ErrorRenderer::renderFailure);
    }
    return router;
  }

  /** The node's workers for large WAF bodies, made by the first instance that routes: one pool and count per node. */
  private synchronized LargeBodyInspection largeBodies(Vertx vertx) {
    if (largeBodies == null) {
      largeBodies = new LargeBodyInspection(vertx);
    }
    return largeBodies;
  }

  HttpConfig http() {
    return http;
  }

  void boundPort(int port) {
    boundPort.compareAndSet(-1, port);
  }

  /** The port the gateway listens on (differs from http.port when that is 0); -1 before listening. */
  public int port() {
    return boundPort.get();
  }
}
