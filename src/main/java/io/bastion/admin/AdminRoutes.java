package io.bastion.admin;

import io.bastion.audit.AuditCodes;
import io.bastion.audit.AuditRecord;
import io.bastion.audit.AuditRecord.Outcome;
import io.bastion.audit.AuditTrail;
import io.bastion.gateway.ErrorRenderer;
import io.bastion.gateway.RequestContext;
import io.bastion.gateway.RouteModule;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.SessionHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.sstore.LocalSessionStore;
import io.vertx.ext.web.sstore.SessionStore;
import io.vertx.sqlclient.Pool;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard: static files from webroot, the sign-in API (password, then TOTP or recovery code, or
 * first-login enrolment), the users and ctl-token API ({@link UserRoutes}), and the SockJS event-bus
 * bridge. Static files carry no data and are public; everything with data requires a fully signed-in
 * session with the right permission.
 */
public final class AdminRoutes implements RouteModule {

  static final String SESSION_COOKIE = "bastion_session";
  static final int API_BODY_LIMIT = 16 * 1024;
  private static final Logger LOG = LoggerFactory.getLogger(AdminRoutes.class);
  private static final String WRONG_CREDENTIALS = "unknown username or wrong password";

  private final AdminAccounts accounts;
  private final AdminConfig config;
  private final boolean tls;
  private final Clock clock;
  private final SecureRandom random;
  private final LoginThrottle throttle;
  private final MfaService mfa;
  private final AdminGuards guards;
  private final UserRoutes users;
  private final AdminActionAudit actions;
  private final String uplotPath;
  private final Pool pool;
  /** Sign-ins, failures, lock-outs and logouts go here before they are answered; null: not audited. */
  private AuditTrail trail;
  private String node;
  /** Client management for the Clients panel, or null when the token endpoint is off. */
  private io.bastion.auth.server.ClientService clients;

  public AdminRoutes(AdminAccounts accounts, CtlTokens tokens, Pool pool, AdminConfig config, boolean tls, Clock clock,
      SecureRandom random) {
    this.accounts = accounts;
    this.config = config;
    this.tls = tls;
    this.clock = clock;
    this.random = random;
    this.throttle = new LoginThrottle(pool, clock, config);
    this.mfa = new MfaService(pool, clock, random, new MfaSecretBox(config.mfaKey(), random));
    this.guards = new AdminGuards(accounts, clock, config.sessionAbsolute());
    this.actions = new AdminActionAudit(clock);
    this.users = new UserRoutes(accounts, mfa, throttle, tokens, guards, actions);
    this.uplotPath = Webjars.path("uplot") + "/dist";
    this.pool = pool;
  }

  /**
   * Audits sign-ins, failed sign-ins and second factors, lock-outs, logouts, and administrators' changes to
   * accounts and ctl tokens (call before mounting).
   */
  public AdminRoutes audited(AuditTrail trail, String node) {
    this.trail = trail;
    this.node = node;
    actions.to(trail, node);
    return this;
  }

  /**
   * Appends a user-authentication AuditEvent (never a password or code: the username, role, IP and a fixed
   * reason only), then runs {@code send}; answers 503 instead if the append fails. Always succeeds, so the
   * caller's chain does not answer twice.
   */
  private Future<Void> audit(RoutingContext ctx, boolean login, String username, AdminUser user, Outcome outcome,
      String reason, Runnable send) {
    if (trail == null) {
      send.run();
      return Future.succeededFuture();
    }
    String role = user == null ? null : String.join(" ", user.roleNames());
    AuditRecord record = new AuditRecord(AuditCodes.USER_AUTHENTICATION, login ? AuditCodes.LOGIN : AuditCodes.LOGOUT,
        AuditRecord.Action.E, clock.instant(), outcome, reason,
        List.of(new AuditRecord.Agent(AuditCodes.AGENT_USER, username == null ? "unknown" : username, role, true,
            clientIp(ctx))), node, List.of(), requestId(ctx));
    return trail.append(record).transform(done -> {
      if (done.succeeded()) {
        send.run();
      } else {
        LOG.error("audit append failed for a sign-in event ({}); answering 503", done.cause().getClass().getSimpleName());
        if (login && outcome == Outcome.SUCCESS && ctx.session() != null) {
          ctx.session().destroy(); // an unaudited sign-in must not leave a working session behind
          ctx.userContext().clear();
        }
        ErrorRenderer.render(ctx, 503, "the audit trail is unavailable; try again later");
      }
      return Future.succeededFuture();
    });
  }

  private static String requestId(RoutingContext ctx) {
    RequestContext request = RequestContext.of(ctx);
    return request == null ? null : request.requestId();
  }

  /** Serves the Clients panel's API with this service (call before mounting; null: not served). */
  public AdminRoutes clients(io.bastion.auth.server.ClientService clients) {
    this.clients = clients;
    return this;
  }

  /** Says once per node how TOTP secrets are stored. */
  public static void logMfaStorage(AdminConfig config) {
    if (config.mfaKey() == null) {
      LOG.warn("admin.mfa-key is empty: TOTP secrets are stored unencrypted in PostgreSQL (set BASTION_ADMIN_MFA_KEY)");
    } else {
      LOG.info("TOTP secrets sealed with AES-256-GCM under admin.mfa-key");
    }
  }

  @Override
  public java.util.Map<String, Long> bodyLimits() {
    return java.util.Map.of("/admin/api/*", (long) API_BODY_LIMIT);
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
    router.route("/admin/*").handler(sessions).handler(guards.absoluteTimeout());
    router.route("/admin/api/*").handler(BodyHandler.create(false).setBodyLimit(API_BODY_LIMIT)).handler(AdminGuards.csrf());
    router.post("/admin/api/session").handler(ctx -> login(ctx, sessions));
    router.get("/admin/api/session").handler(this::currentSession);
    router.delete("/admin/api/session").handler(this::logout);
    router.post("/admin/api/session/mfa").handler(ctx -> secondFactor(ctx, sessions));
    router.post("/admin/api/mfa/enrolment").handler(this::startEnrolment);
    router.post("/admin/api/mfa/enrolment/confirm").handler(ctx -> confirmEnrolment(ctx, sessions));
    users.mount(router);
    new AuditAdminRoutes(vertx, pool, guards, trail, node, clock).mount(router);
    new WafAdminRoutes(vertx, guards).mount(router);
    if (clients != null) {
      new ClientAdminRoutes(clients, guards).mount(router);
    }
    router.route("/admin/eventbus/*").subRouter(DashboardBridge.create(vertx, store, guards));
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

  /** Step one: the password. Answers the next state; never says which of username or password was wrong. */
  private void login(RoutingContext ctx, SessionHandler sessions) {
    // JSON only: a cross-site form cannot send it without a CORS preflight, which Bastion never allows.
    if (!String.valueOf(ctx.request().getHeader("Content-Type")).startsWith("application/json")) {
      ErrorRenderer.render(ctx, 415, "send {\"username\", \"password\"} as application/json");
      return;
    }
    JsonObject body = jsonBody(ctx, "username", "password");
    if (body == null) {
      return;
    }
    String username = string(body, "username");
    String password = string(body, "password");
    if (username == null || password == null || username.length() > 64 || password.length() > AdminAccounts.MAX_PASSWORD_LENGTH) {
      ErrorRenderer.render(ctx, 400, "username and password are required strings");
      return;
    }
    String ip = clientIp(ctx);
    throttle.lock(username, ip).compose(lock -> {
      if (lock != null) {
        return refuseLocked(ctx, username, lock);
      }
      return accounts.authenticate(username, password).compose(found -> {
        if (found.isEmpty()) {
          return throttle.failed(username, ip).compose(v -> audit(ctx, true, username, null, Outcome.MINOR_FAILURE,
              "unknown username or wrong password", () -> ErrorRenderer.render(ctx, 401, WRONG_CREDENTIALS)));
        }
        AdminUser user = found.get();
        if (user.mfaEnrolled() || user.mfaRequired()) {
          String stage = user.mfaEnrolled() ? AdminSession.MFA : AdminSession.ENROL;
          AdminSession.begin(ctx.session(), user, stage, clock.millis(), random);
          ctx.json(AdminSession.pending(ctx.session()));
          return Future.succeededFuture();
        }
        AdminSession.begin(ctx.session(), user, AdminSession.FULL, clock.millis(), random);
        return complete(ctx, sessions, user, new JsonObject());
      });
    }).onFailure(ctx::fail);
  }

  /** Step two: a TOTP code ({@code code}) or a recovery code ({@code recoveryCode}). */
  private void secondFactor(RoutingContext ctx, SessionHandler sessions) {
    Session session = ctx.session();
    if (!AdminSession.MFA.equals(AdminSession.stage(session))) {
      ErrorRenderer.render(ctx, 401, "sign in with username and password first");
      return;
    }
    JsonObject body = jsonBody(ctx, "code", "recoveryCode");
    if (body == null) {
      return;
    }
    String code = string(body, "code");
    String recovery = string(body, "recoveryCode");
    if ((code == null) == (recovery == null) || (code != null ? code : recovery).length() > 32) {
      ErrorRenderer.render(ctx, 400, "send either code (6 digits) or recoveryCode");
      return;
    }
    String username = session.get(AdminSession.USERNAME);
    String ip = clientIp(ctx);
    throttle.lock(username, ip).compose(lock -> {
      if (lock != null) {
        return refuseLocked(ctx, username, lock);
      }
      return accounts.find(AdminSession.userId(session)).compose(found -> {
        if (found.isEmpty() || found.get().disabled()) {
          session.destroy();
          ErrorRenderer.render(ctx, 401, "not signed in");
          return Future.succeededFuture();
        }
        long id = found.get().id();
        return (code != null ? mfa.verifyCode(id, code.trim()) : mfa.useRecoveryCode(id, recovery)).compose(ok -> {
          if (!ok) {
            return throttle.failed(username, ip).compose(v -> audit(ctx, true, username, found.get(),
                Outcome.MINOR_FAILURE, "wrong second factor",
                () -> ErrorRenderer.render(ctx, 401, "wrong, expired or already used code")));
          }
          if (recovery != null) {
            LOG.info("admin user {} signed in with a recovery code", id);
          }
          ctx.session().regenerateId();
          ctx.session().put(AdminSession.STAGE, AdminSession.FULL);
          return complete(ctx, sessions, found.get(), new JsonObject());
        });
      });
    }).onFailure(ctx::fail);
  }

  /**
   * A new TOTP secret for the session's user: during first-login enrolment, or by a signed-in user who has
   * none yet (ops and viewer may opt in).
   */
  private void startEnrolment(RoutingContext ctx) {
    Optional<Long> id = enrollingUser(ctx);
    if (id.isEmpty()) {
      return;
    }
    accounts.find(id.get()).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(new AdminAccounts.AccountException(401, "not signed in"));
      }
      if (found.get().mfaEnrolled()) {
        // Replacing a second factor from a session alone would let a stolen session take over the account.
        return Future.failedFuture(new AdminAccounts.AccountException(409,
            "a second factor is already enrolled; an administrator can reset it"));
      }
      return mfa.startEnrolment(found.get());
    })
        .onSuccess(ctx::json)
        .onFailure(e -> fail(ctx, e));
  }

  /** The first code confirms the enrolment; the reply holds the recovery codes, shown this once. */
  private void confirmEnrolment(RoutingContext ctx, SessionHandler sessions) {
    Optional<Long> id = enrollingUser(ctx);
    if (id.isEmpty()) {
      return;
    }
    JsonObject body = jsonBody(ctx, "code");
    if (body == null) {
      return;
    }
    String code = string(body, "code");
    if (code == null) {
      ErrorRenderer.render(ctx, 400, "send the code the authenticator shows as code");
      return;
    }
    Session session = ctx.session();
    String username = session.get(AdminSession.USERNAME);
    String ip = clientIp(ctx);
    throttle.lock(username, ip).compose(lock -> {
      if (lock != null) {
        return refuseLocked(ctx, username, lock);
      }
      return mfa.confirmEnrolment(id.get(), code.trim()).compose(codes -> {
        if (codes == null) {
          return throttle.failed(username, ip).compose(v -> audit(ctx, true, username, null, Outcome.MINOR_FAILURE,
              "wrong second factor at enrolment", () -> ErrorRenderer.render(ctx, 400,
              "the code does not match the new secret (start enrolment first, and check the device's clock)")));
        }
        LOG.info("admin user {} enrolled a TOTP authenticator", id.get());
        JsonObject extra = new JsonObject().put("recoveryCodes", MfaService.formatted(codes));
        return accounts.find(id.get()).compose(user -> {
          if (AdminSession.ENROL.equals(AdminSession.stage(session))) {
            ctx.session().regenerateId();
            ctx.session().put(AdminSession.STAGE, AdminSession.FULL);
            return complete(ctx, sessions, user.orElseThrow(), extra);
          }
          ctx.json(user.orElseThrow().describeSession().put("state", AdminSession.FULL)
              .put("csrfToken", (String) session.get(AdminSession.CSRF)).mergeIn(extra));
          return Future.succeededFuture();
        });
      });
    }).onFailure(ctx::fail);
  }

  private Optional<Long> enrollingUser(RoutingContext ctx) {
    String stage = AdminSession.stage(ctx.session());
    if (!AdminSession.ENROL.equals(stage) && !(AdminSession.FULL.equals(stage) && ctx.user() != null)) {
      ErrorRenderer.render(ctx, 401, "not signed in");
      return Optional.empty();
    }
    return Optional.of(AdminSession.userId(ctx.session()));
  }

  /** Full sign-in: the Vert.x user on the session, counters cleared, last login recorded. */
  private Future<Void> complete(RoutingContext ctx, SessionHandler sessions, AdminUser user, JsonObject extra) {
    return throttle.succeeded(user.username())
        .compose(v -> accounts.touchLogin(user.id()))
        .compose(v -> sessions.setUser(ctx, user.toVertxUser()))
        .compose(v -> audit(ctx, true, user.username(), user, Outcome.SUCCESS, null,
            () -> ctx.json(user.describeSession().put("state", AdminSession.FULL)
                .put("csrfToken", (String) ctx.session().get(AdminSession.CSRF)).mergeIn(extra))));
  }

  private void currentSession(RoutingContext ctx) {
    Session session = ctx.session();
    String stage = AdminSession.stage(session);
    if (AdminSession.MFA.equals(stage) || AdminSession.ENROL.equals(stage)) {
      ctx.json(AdminSession.pending(session));
      return;
    }
    if (!AdminSession.FULL.equals(stage) || ctx.user() == null) {
      ErrorRenderer.render(ctx, 401, "not signed in");
      return;
    }
    accounts.find(AdminSession.userId(session)).onSuccess(found -> {
      if (found.isEmpty() || found.get().disabled()) {
        session.destroy();
        ctx.userContext().clear();
        ErrorRenderer.render(ctx, 401, "not signed in");
      } else {
        ctx.json(found.get().describeSession().put("state", AdminSession.FULL).put("csrfToken", (String) session.get(AdminSession.CSRF)));
      }
    }).onFailure(ctx::fail);
  }

  private void logout(RoutingContext ctx) {
    String username = ctx.session() == null ? null : ctx.session().get(AdminSession.USERNAME);
    boolean signedIn = ctx.user() != null && AdminSession.FULL.equals(AdminSession.stage(ctx.session()));
    if (ctx.session() != null) {
      ctx.session().destroy();
    }
    ctx.userContext().clear();
    if (username == null) {
      ctx.response().setStatusCode(204).end();
      return;
    }
    audit(ctx, false, username, null, signedIn ? Outcome.SUCCESS : Outcome.MINOR_FAILURE,
        signedIn ? null : "sign-in abandoned", () -> ctx.response().setStatusCode(204).end());
  }

  private Future<Void> refuseLocked(RoutingContext ctx, String username, LoginThrottle.Lock lock) {
    return audit(ctx, true, username, null, Outcome.SERIOUS_FAILURE, "locked out after failed sign-ins", () -> {
      ctx.response().putHeader("Retry-After", String.valueOf(lock.retryAfterSeconds()));
      ErrorRenderer.render(ctx, 429, "too many failed sign-ins; try again in " + lock.retryAfterSeconds() + " s");
    });
  }

  static String clientIp(RoutingContext ctx) {
    RequestContext request = RequestContext.of(ctx);
    return request == null ? ctx.request().remoteAddress().hostAddress() : request.clientIp();
  }

  /** The body as a JSON object, or null after answering 400. */
  /**
   * The request's JSON object, or null once a 400 is answered: not an object, or a field the request does
   * not take (a misspelt field would otherwise be ignored silently, e.g. a role change that changes nothing).
   */
  static JsonObject jsonBody(RoutingContext ctx, String... fields) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      body = null;
    }
    if (body == null) {
      ErrorRenderer.render(ctx, 400, "the body is not a JSON object");
      return null;
    }
    List<String> known = List.of(fields);
    for (String name : body.fieldNames()) {
      if (!known.contains(name)) {
        String shown = name.length() > 40 ? name.substring(0, 40) + "…" : name;
        ErrorRenderer.render(ctx, 400, "unknown field \"" + shown + "\"; this request takes " + String.join(", ", known));
        return null;
      }
    }
    return body;
  }

  static String string(JsonObject body, String key) {
    return body.getValue(key) instanceof String text ? text : null;
  }

  static void fail(RoutingContext ctx, Throwable e) {
    if (e instanceof AdminAccounts.AccountException refused) {
      ErrorRenderer.render(ctx, refused.status, refused.getMessage());
    } else {
      ctx.fail(e);
    }
  }
}
