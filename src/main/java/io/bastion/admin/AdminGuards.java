package io.bastion.admin;

import io.bastion.gateway.ErrorRenderer;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/**
 * The checks in front of the admin API: the absolute session timeout, the CSRF synchronizer token on
 * state-changing requests, and "signed in with this permission" per route. Each answers
 * application/problem+json through {@link ErrorRenderer}.
 */
final class AdminGuards {

  static final String CURRENT_USER = "bastion.admin.user";
  private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

  private final AdminAccounts accounts;
  private final Clock clock;
  private final Duration absolute;

  AdminGuards(AdminAccounts accounts, Clock clock, Duration absolute) {
    this.accounts = accounts;
    this.clock = clock;
    this.absolute = absolute;
  }

  /** Ends a session older than the absolute timeout, however active it has been. */
  Handler<RoutingContext> absoluteTimeout() {
    return ctx -> {
      Session session = ctx.session();
      if (session != null && expired(session.get(AdminSession.SIGNED_IN_AT))) {
        session.destroy();
        ctx.userContext().clear();
      }
      ctx.next();
    };
  }

  boolean expired(Long signedInAt) {
    return signedInAt != null && clock.millis() - signedInAt >= absolute.toMillis();
  }

  /**
   * Refuses a state-changing request of a session without its CSRF token in {@value AdminSession#CSRF_HEADER}.
   * The sign-in POST is the exception: no session exists before it, and it takes JSON only.
   */
  static Handler<RoutingContext> csrf() {
    return ctx -> {
      Session session = ctx.session();
      String expected = session == null ? null : session.get(AdminSession.CSRF);
      boolean login = ctx.request().method() == HttpMethod.POST && "/admin/api/session".equals(ctx.normalizedPath());
      if (SAFE.contains(ctx.request().method()) || login || expected == null) {
        ctx.next(); // no session: the route itself answers 401
        return;
      }
      String presented = ctx.request().getHeader(AdminSession.CSRF_HEADER);
      if (presented == null || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
          presented.getBytes(StandardCharsets.UTF_8))) {
        ErrorRenderer.render(ctx, 403, "missing or wrong CSRF token (send the session's csrfToken in "
            + AdminSession.CSRF_HEADER + ")");
        return;
      }
      ctx.next();
    };
  }

  /**
   * Requires a fully signed-in session whose user - re-read from the database on every request, so
   * disabling or a role change takes effect at once - has the permission.
   */
  Handler<RoutingContext> require(Permission permission) {
    return ctx -> {
      Session session = ctx.session();
      String stage = AdminSession.stage(session);
      if (AdminSession.ENROL.equals(stage)) {
        ErrorRenderer.render(ctx, 403, "enrol a second factor first (POST /admin/api/mfa/enrolment)");
        return;
      }
      if (!AdminSession.FULL.equals(stage) || ctx.user() == null) {
        ErrorRenderer.render(ctx, 401, "not signed in");
        return;
      }
      accounts.find(AdminSession.userId(session)).onComplete(found -> {
        if (found.failed()) {
          ctx.fail(found.cause());
        } else if (found.result().isEmpty() || found.result().get().disabled()) {
          session.destroy();
          ctx.userContext().clear();
          ErrorRenderer.render(ctx, 401, "not signed in");
        } else if (!found.result().get().may(permission)) {
          ErrorRenderer.render(ctx, 403, "your roles do not grant " + permission.wireName());
        } else {
          ctx.put(CURRENT_USER, found.result().get());
          ctx.next();
        }
      });
    };
  }

  static AdminUser currentUser(RoutingContext ctx) {
    return ctx.get(CURRENT_USER);
  }
}
