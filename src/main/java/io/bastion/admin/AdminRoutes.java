package io.bastion.admin;

import io.bastion.gateway.ErrorRenderer;
import io.bastion.gateway.RouteModule;
import io.vertx.core.Vertx;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.SessionHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.sstore.LocalSessionStore;
import io.vertx.ext.web.sstore.SessionStore;
import java.util.concurrent.TimeUnit;

/**
 * The dashboard: static files from webroot, the session API behind the login page, and the SockJS
 * event-bus bridge. Static files carry no data and are public; everything with data (the API, the
 * bridge) requires a signed-in session.
 */
public final class AdminRoutes implements RouteModule {

  static final String SESSION_COOKIE = "bastion_session";
  private static final int LOGIN_BODY_LIMIT = 4096;

  private final AdminAccounts accounts;
  private final AdminConfig config;
  private final boolean tls;
  private final String uplotPath;

  public AdminRoutes(AdminAccounts accounts, AdminConfig config, boolean tls) {
    this.accounts = accounts;
    this.config = config;
    this.tls = tls;
    this.uplotPath = Webjars.path("uplot") + "/dist";
  }

  @Override
  public void mount(Vertx vertx, Router router) {
    SessionStore store = LocalSessionStore.create(vertx);
    SessionHandler sessions = SessionHandler.create(store)
        .setSessionCookieName(SESSION_COOKIE)
        .setSessionCookiePath("/admin")
        .setCookieHttpOnlyFlag(true)
        .setCookieSecureFlag(tls)
        .setCookieSameSite(CookieSameSite.STRICT)
        .setSessionTimeout(TimeUnit.MINUTES.toMillis(config.sessionIdleMinutes()))
        .setLazySession(true);
    router.route("/admin/*").handler(sessions);
    router.post("/admin/api/session").handler(BodyHandler.create(false).setBodyLimit(LOGIN_BODY_LIMIT)).handler(ctx -> login(ctx, sessions));
    router.get("/admin/api/session").handler(this::currentUser);
    router.delete("/admin/api/session").handler(this::logout);
    router.route("/admin/eventbus/*").subRouter(DashboardBridge.create(vertx, store));
    router.get("/admin").handler(ctx -> {
      if ("/admin".equals(ctx.request().path())) {
        ctx.redirect("/admin/");
      } else {
        ctx.next();
      }
    });
    router.route("/admin/vendor/uplot/*").handler(StaticHandler.create(uplotPath).setMaxAgeSeconds(86_400));
    router.route("/admin/*").handler(StaticHandler.create("webroot").setIndexPage("index.html").setMaxAgeSeconds(0));
  }

  private void login(RoutingContext ctx, SessionHandler sessions) {
    JsonObject body;
    try {
      // JSON only: a cross-site form cannot send it without a CORS preflight, which Bastion never allows.
      if (!String.valueOf(ctx.request().getHeader("Content-Type")).startsWith("application/json")) {
        ErrorRenderer.render(ctx, 415, "send {\"username\", \"password\"} as application/json");
        return;
      }
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      ErrorRenderer.render(ctx, 400, "the body is not a JSON object");
      return;
    }
    String username = body == null ? null : stringOrNull(body, "username");
    String password = body == null ? null : stringOrNull(body, "password");
    if (username == null || password == null || username.length() > 64 || password.length() > 1024) {
      ErrorRenderer.render(ctx, 400, "username and password are required strings");
      return;
    }
    accounts.authenticate(username, password).onComplete(result -> {
      if (result.failed()) {
        ctx.fail(result.cause());
      } else if (result.result().isEmpty()) {
        ErrorRenderer.render(ctx, 401, "unknown username or wrong password");
      } else {
        User user = result.result().get().toVertxUser();
        // A new session id on sign-in: no session fixation. Touching the session also matters with lazy
        // sessions: setUser alone stores nothing and sends no cookie unless the session was accessed.
        ctx.session().regenerateId();
        sessions.setUser(ctx, user).onSuccess(v -> ctx.json(AdminUser.describe(user))).onFailure(ctx::fail);
      }
    });
  }

  private void currentUser(RoutingContext ctx) {
    User user = ctx.user();
    if (user == null) {
      ErrorRenderer.render(ctx, 401, "not signed in");
      return;
    }
    ctx.json(AdminUser.describe(user));
  }

  private void logout(RoutingContext ctx) {
    if (ctx.session() != null) {
      ctx.session().destroy();
    }
    ctx.userContext().clear();
    ctx.response().setStatusCode(204).end();
  }

  private static String stringOrNull(JsonObject body, String key) {
    Object value = body.getValue(key);
    return value instanceof String text ? text : null;
  }
}
