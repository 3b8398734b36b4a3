package io.bastion.admin;

import io.bastion.auth.server.ApiClient;
import io.bastion.auth.server.ClientActor;
import io.bastion.auth.server.ClientException;
import io.bastion.auth.server.ClientRequest;
import io.bastion.auth.server.ClientService;
import io.bastion.gateway.ErrorRenderer;
import io.bastion.gateway.RequestContext;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The Clients panel's API (permission clients.manage: admin only; CSRF checked on every change by the
 * admin API's guard): {@code GET /admin/api/clients}, {@code POST /admin/api/clients} (a
 * {@link ClientRequest}; the reply holds a generated secret this once), {@code POST
 * /admin/api/clients/:clientId/disable} and {@code /enable}, {@code DELETE /admin/api/clients/:clientId}.
 * Every change is audited with the signed-in user as the actor ({@link ClientService}).
 */
final class ClientAdminRoutes {

  private final ClientService clients;
  private final AdminGuards guards;

  ClientAdminRoutes(ClientService clients, AdminGuards guards) {
    this.clients = clients;
    this.guards = guards;
  }

  void mount(Router router) {
    var manage = guards.require(Permission.CLIENTS_MANAGE);
    router.get("/admin/api/clients").handler(manage).handler(this::list);
    router.post("/admin/api/clients").handler(manage).handler(this::register);
    router.post("/admin/api/clients/:clientId/disable").handler(manage).handler(ctx -> setDisabled(ctx, true));
    router.post("/admin/api/clients/:clientId/enable").handler(manage).handler(ctx -> setDisabled(ctx, false));
    router.delete("/admin/api/clients/:clientId").handler(manage).handler(this::remove);
  }

  private void list(RoutingContext ctx) {
    clients.list().onSuccess(list -> ctx.json(new JsonObject().put("clients",
        new JsonArray(list.stream().map(ApiClient::toJson).toList())))).onFailure(ctx::fail);
  }

  private void register(RoutingContext ctx) {
    JsonObject body = AdminRoutes.jsonBody(ctx, "name", "scopes", "jwks", "jwksUri", "generateSecret");
    if (body == null) {
      return;
    }
    ClientRequest request;
    try {
      request = ClientRequest.fromJson(body);
    } catch (ClientException e) {
      ErrorRenderer.render(ctx, e.status(), e.getMessage());
      return;
    }
    clients.register(request, actor(ctx)).onSuccess(registered -> {
      ctx.response().setStatusCode(201).putHeader("Location", "/admin/api/clients/" + registered.client().clientId());
      ctx.json(registered.toJson());
    }).onFailure(e -> fail(ctx, e));
  }

  private void setDisabled(RoutingContext ctx, boolean disabled) {
    clients.setDisabled(ctx.pathParam("clientId"), disabled, actor(ctx)).onSuccess(client -> ctx.json(client.toJson()))
        .onFailure(e -> fail(ctx, e));
  }

  private void remove(RoutingContext ctx) {
    clients.remove(ctx.pathParam("clientId"), actor(ctx)).onSuccess(client -> ctx.response().setStatusCode(204).end())
        .onFailure(e -> fail(ctx, e));
  }

  private static ClientActor actor(RoutingContext ctx) {
    AdminUser user = AdminGuards.currentUser(ctx);
    RequestContext request = RequestContext.of(ctx);
    return new ClientActor(user.username(), String.join(" ", user.roleNames()), AdminRoutes.clientIp(ctx),
        request == null ? null : request.requestId());
  }

  private static void fail(RoutingContext ctx, Throwable e) {
    if (e instanceof ClientException refused) {
      ErrorRenderer.render(ctx, refused.status(), refused.getMessage());
    } else if (e instanceof io.bastion.audit.AuditUnavailableException) {
      ErrorRenderer.render(ctx, 503, "the audit trail is unavailable; the change may have been made, check the list");
    } else {
      ctx.fail(e);
    }
  }
}
