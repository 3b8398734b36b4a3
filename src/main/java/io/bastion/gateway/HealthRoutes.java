package io.bastion.gateway;

import io.bastion.NodeInfo;
import io.bastion.db.StoreHealth;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * /health/live (the process answers) and /health/ready (it can serve: PostgreSQL reachable, schema
 * migrated; Redis absent only warns), as application/health+json.
 */
final class HealthRoutes {

  private static final String HEALTH_JSON = "application/health+json";
  private final NodeInfo node;
  private final StoreHealth stores;

  HealthRoutes(NodeInfo node, StoreHealth stores) {
    this.node = node;
    this.stores = stores;
  }

  void mount(Router router) {
    router.get("/health/live").handler(this::live);
    router.get("/health/ready").handler(this::ready);
  }

  private void live(RoutingContext ctx) {
    send(ctx, 200, base(StoreHealth.PASS));
  }

  private void ready(RoutingContext ctx) {
    stores.check().onSuccess(checks -> {
      String status = StoreHealth.overall(checks);
      send(ctx, StoreHealth.FAIL.equals(status) ? 503 : 200, base(status).put("checks", checks));
    }).onFailure(ctx::fail);
  }

  private JsonObject base(String status) {
    return new JsonObject().put("status", status).put("version", node.version()).put("serviceId", node.id())
        .put("description", "Bastion FHIR API platform");
  }

  private static void send(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", HEALTH_JSON).end(body.encode());
  }
}
