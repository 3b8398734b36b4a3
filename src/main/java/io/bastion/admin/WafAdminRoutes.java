package io.bastion.admin;

import io.bastion.gateway.ErrorRenderer;
import io.bastion.gateway.RequestContext;
import io.bastion.security.SecurityAddresses;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The dashboard's Security → WAF API: {@code GET /admin/api/waf} (security.view) is the status the panel
 * also reads over the SockJS bridge; {@code POST /admin/api/waf/mode} {@code {"mode"}}, {@code POST
 * /admin/api/waf/rules/{id}/disable|enable} and {@code POST /admin/api/waf/reload} (security.manage:
 * admin and security-officer; CSRF token required like every admin write) forward to the security
 * verticle with the signed-in user as the actor it audits. Failures answer problem+json with the
 * verticle's code as status (400, 404, 409, 422 with every file:line, 503).
 */
final class WafAdminRoutes {

  private static final long RELOAD_TIMEOUT_MS = 120_000;
  private final Vertx vertx;
  private final AdminGuards guards;

  WafAdminRoutes(Vertx vertx, AdminGuards guards) {
    this.vertx = vertx;
    this.guards = guards;
  }

  void mount(Router router) {
    var view = guards.require(Permission.SECURITY_VIEW);
    var manage = guards.require(Permission.SECURITY_MANAGE);
    router.get("/admin/api/waf").handler(view).handler(ctx -> forward(ctx, SecurityAddresses.STATUS, new JsonObject()));
    router.post("/admin/api/waf/mode").handler(manage).handler(this::mode);
    router.post("/admin/api/waf/rules/:id/disable").handler(manage).handler(ctx -> toggle(ctx, true));
    router.post("/admin/api/waf/rules/:id/enable").handler(manage).handler(ctx -> toggle(ctx, false));
    router.post("/admin/api/waf/reload").handler(manage).handler(ctx -> forward(ctx, SecurityAddresses.RULES_RELOAD,
        new JsonObject()));
  }

  private void mode(RoutingContext ctx) {
    JsonObject body = AdminRoutes.jsonBody(ctx, "mode");
    if (body == null) {
      return;
    }
    if (!(body.getValue("mode") instanceof String)) {
      ErrorRenderer.render(ctx, 400, "send {\"mode\": \"off\" | \"detection-only\" | \"on\"} as JSON");
      return;
    }
    forward(ctx, SecurityAddresses.WAF_MODE, new JsonObject().put("mode", body.getString("mode")));
  }

  private void toggle(RoutingContext ctx, boolean disable) {
    long id;
    try {
      id = Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      ErrorRenderer.render(ctx, 400, "the rule id must be a positive integer");
      return;
    }
    forward(ctx, SecurityAddresses.RULES_DISABLE, new JsonObject().put("id", id).put("disabled", disable));
  }

  private void forward(RoutingContext ctx, String address, JsonObject body) {
    AdminUser user = AdminGuards.currentUser(ctx);
    RequestContext request = RequestContext.of(ctx);
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(RELOAD_TIMEOUT_MS)
        .addHeader(SecurityAddresses.ACTOR_HEADER, user.username())
        .addHeader(SecurityAddresses.ACTOR_ROLE_HEADER, String.join(" ", user.roleNames()));
    if (request != null) {
      options.addHeader(SecurityAddresses.ACTOR_IP_HEADER, request.clientIp())
          .addHeader(SecurityAddresses.REQUEST_ID_HEADER, request.requestId());
    }
    vertx.eventBus().<JsonObject>request(address, body, options).onComplete(reply -> {
      if (reply.succeeded()) {
        ctx.json(reply.result().body());
      } else if (reply.cause() instanceof ReplyException failure && failure.failureCode() >= 400
          && failure.failureCode() < 600) {
        ErrorRenderer.render(ctx, failure.failureCode(), failure.getMessage());
      } else {
        ErrorRenderer.render(ctx, 503, "the security verticle did not answer: " + reply.cause().getClass().getSimpleName());
      }
    });
  }
}
