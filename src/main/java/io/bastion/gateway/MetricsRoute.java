package io.bastion.gateway;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.ext.web.Router;

/** /metrics in the Prometheus text format, from the registry the composition root gave Vert.x. */
final class MetricsRoute {

  private static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";
  private final PrometheusMeterRegistry registry;

  MetricsRoute(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  void mount(Router router) {
    router.get("/metrics").handler(ctx -> ctx.response().putHeader("Content-Type", TEXT_FORMAT).end(registry.scrape()));
  }
}
