package io.bastion.gateway;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/**
 * A capability's routes (admin API and dashboard, FHIR, ...). Each gateway instance mounts every module
 * on its own router, after the pipeline handlers and before the error handlers.
 */
public interface RouteModule {

  void mount(Vertx vertx, Router router);
}
