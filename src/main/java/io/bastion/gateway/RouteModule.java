package io.bastion.gateway;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/**
 * A capability's routes (admin API and dashboard, FHIR, ...). Each gateway instance mounts every module
 * on its own router, after the pipeline handlers and before the error handlers.
 */
public interface RouteModule {

  void mount(Vertx vertx, Router router);

  /**
   * Route paths whose bodies this module reads with a smaller limit than http.max-body-bytes. When the WAF
   * reads bodies (pipeline step 5, before the module's own BodyHandler) it applies these limits too.
   */
  default java.util.Map<String, Long> bodyLimits() {
    return java.util.Map.of();
  }
}
