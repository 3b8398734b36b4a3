package io.bastion.admin;

import io.bastion.audit.AuditRecord.Action;
import io.bastion.gateway.ErrorRenderer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API for accounts and ctl tokens, admin role only (users.manage, ctl-tokens.manage). Every
 * error is application/problem+json; state-changing requests pass the CSRF check first.
 */
final class UserRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(UserRoutes.class);

  private final AdminAccounts accounts;
  private final MfaService mfa;
  private final LoginThrottle throttle;
  private final CtlTokens tokens;
  private final AdminGuards guards;
  private final AdminActionAudit audit;

  UserRoutes(AdminAccounts accounts, MfaService mfa, LoginThrottle throttle, CtlTokens tokens, AdminGuards guards,
      AdminActionAudit audit) {
    this.audit = audit;
    this.accounts = accounts;
    this.mfa = mfa;
    this.throttle = throttle;
    this.tokens = tokens;
    this.guards = guards;
  }

  void mount(Router router) {
    var manageUsers = guards.require(Permission.USERS_MANAGE);
    var manageTokens = guards.require(Permission.CTL_TOKENS_MANAGE);
    router.get("/admin/api/users").handler(manageUsers).handler(this::listUsers);
    router.post("/admin/api/users").handler(manageUsers).handler(this::createUser);
    router.put("/admin/api/users/:id/roles").handler(manageUsers).handler(this::setRoles);
    router.post("/admin/api/users/:id/password").handler(manageUsers).handler(this::resetPassword);
    router.post("/admin/api/users/:id/disable").handler(manageUsers).handler(ctx -> setDisabled(ctx, true));
    router.post("/admin/api/users/:id/enable").handler(manageUsers).handler(ctx -> setDisabled(ctx, false));
    router.delete("/admin/api/users/:id/mfa").handler(manageUsers).handler(this::resetMfa);
    router.get("/admin/api/ctl-tokens").handler(manageTokens).handler(this::listTokens);
    router.post("/admin/api/ctl-tokens").handler(manageTokens).handler(this::createToken);
    router.delete("/admin/api/ctl-tokens/:id").handler(manageTokens).handler(this::revokeToken);
  }

  private void listUsers(RoutingContext ctx) {
    accounts.list().onSuccess(users -> ctx.json(new JsonObject().put("users",
        new JsonArray(users.stream().map(AdminUser::toJson).toList())))).onFailure(ctx::fail);
  }

  private void createUser(RoutingContext ctx) {
    JsonObject body = AdminRoutes.jsonBody(ctx, "username", "password", "roles");
    if (body == null) {
      return;
    }
    String username = AdminRoutes.string(body, "username");
    if (username == null || !username.matches(AdminAccounts.USERNAME_PATTERN)) {
      ErrorRenderer.render(ctx, 400, "username: 1-64 letters, digits, '.', '_', '@' or '-'");
      return;
    }
    Optional<String> password = password(ctx, body);
    Optional<List<Role>> roles = password.isEmpty() ? Optional.empty() : roles(ctx, body);
    if (roles.isEmpty()) {
      return;
    }
    accounts.create(username, password.get(), roles.get()).onSuccess(user -> {
      LOG.info("admin user {} created user {} with roles {}", AdminGuards.currentUser(ctx).id(), user.id(), user.roleNames());
      audit.record(ctx, Action.C, "user.create", "admin-user/" + user.id(), () -> {
        ctx.response().setStatusCode(201).putHeader("Location", "/admin/api/users/" + user.id());
        ctx.json(user.toJson());
      });
    }).onFailure(e -> AdminRoutes.fail(ctx, e));
  }

  private void setRoles(RoutingContext ctx) {
    Optional<Long> id = id(ctx);
    JsonObject body = id.isEmpty() ? null : AdminRoutes.jsonBody(ctx, "roles");
    Optional<List<Role>> roles = body == null ? Optional.empty() : roles(ctx, body);
    if (roles.isEmpty()) {
      return;
    }
    accounts.setRoles(id.get(), roles.get()).onSuccess(user -> {
      LOG.info("admin user {} set the roles of user {} to {}", AdminGuards.currentUser(ctx).id(), user.id(), user.roleNames());
      audit.record(ctx, Action.U, "user.roles", "admin-user/" + user.id(), () -> ctx.json(user.toJson()));
    }).onFailure(e -> AdminRoutes.fail(ctx, e));
  }

  private void resetPassword(RoutingContext ctx) {
    Optional<Long> id = id(ctx);
    JsonObject body = id.isEmpty() ? null : AdminRoutes.jsonBody(ctx, "password");
    Optional<String> password = body == null ? Optional.empty() : password(ctx, body);
    if (password.isEmpty()) {
      return;
    }
    accounts.setPassword(id.get(), password.get())
        .compose(user -> throttle.succeeded(user.username()).map(user))
        .onSuccess(user -> {
          LOG.info("admin user {} reset the password of user {}", AdminGuards.currentUser(ctx).id(), user.id());
          audit.record(ctx, Action.U, "user.password-reset", "admin-user/" + user.id(), () -> ctx.json(user.toJson()));
        }).onFailure(e -> AdminRoutes.fail(ctx, e));
  }

  private void setDisabled(RoutingContext ctx, boolean disabled) {
    Optional<Long> id = id(ctx);
    if (id.isEmpty()) {
      return;
    }
    if (disabled && id.get() == AdminGuards.currentUser(ctx).id()) {
      ErrorRenderer.render(ctx, 409, "you cannot disable your own account");
      return;
    }
    accounts.setDisabled(id.get(), disabled).onSuccess(user -> {
      LOG.info("admin user {} {} user {}", AdminGuards.currentUser(ctx).id(), disabled ? "disabled" : "enabled", user.id());
      audit.record(ctx, Action.U, disabled ? "user.disable" : "user.enable", "admin-user/" + user.id(),
          () -> ctx.json(user.toJson()));
    }).onFailure(e -> AdminRoutes.fail(ctx, e));
  }

  private void resetMfa(RoutingContext ctx) {
    Optional<Long> id = id(ctx);
    if (id.isEmpty()) {
      return;
    }
    if (id.get() == AdminGuards.currentUser(ctx).id()) {
      // reset, then enrol a new device: a stolen session would keep the account for good
      ErrorRenderer.render(ctx, 409, "your own second factor is reset by another administrator");
      return;
    }
    accounts.find(id.get()).compose(found -> found.isEmpty()
            ? io.vertx.core.Future.failedFuture(new AdminAccounts.AccountException(404, "no such user"))
            : mfa.reset(id.get()).map(found.get()))
        .onSuccess(user -> {
          LOG.info("admin user {} reset the MFA of user {}", AdminGuards.currentUser(ctx).id(), user.id());
          audit.record(ctx, Action.U, "user.mfa-reset", "admin-user/" + user.id(),
              () -> ctx.response().setStatusCode(204).end());
        }).onFailure(e -> AdminRoutes.fail(ctx, e));
  }

  private void listTokens(RoutingContext ctx) {
    tokens.list().onSuccess(list -> ctx.json(new JsonObject().put("tokens", list))).onFailure(ctx::fail);
  }

  private void createToken(RoutingContext ctx) {
    JsonObject body = AdminRoutes.jsonBody(ctx, "name", "role", "expiresInDays");
    if (body == null) {
      return;
    }
    String name = AdminRoutes.string(body, "name");
    Optional<Role> role = Role.byName(String.valueOf(body.getValue("role")));
    Object days = body.getValue("expiresInDays");
    if (name == null || name.isBlank() || name.length() > 100 || name.chars().anyMatch(Character::isISOControl)) {
      ErrorRenderer.render(ctx, 400, "name: 1-100 characters, no control characters");
    } else if (role.isEmpty()) {
      ErrorRenderer.render(ctx, 400, "role: one of admin, security-officer, ops, viewer");
    } else if (!(days instanceof Integer || days instanceof Long) || ((Number) days).longValue() < 1
        || ((Number) days).longValue() > CtlTokens.MAX_DAYS) {
      ErrorRenderer.render(ctx, 400, "expiresInDays: a whole number from 1 to " + CtlTokens.MAX_DAYS);
    } else {
      tokens.create(name.strip(), role.get(), Duration.ofDays(((Number) days).longValue()), AdminGuards.currentUser(ctx).username())
          .onSuccess(token -> {
            LOG.info("admin user {} created ctl token {} with role {}", AdminGuards.currentUser(ctx).id(), token.getLong("id"),
                role.get().wireName());
            audit.record(ctx, Action.C, "ctl-token.create", "ctl-token/" + token.getLong("id"), () -> {
              ctx.response().setStatusCode(201);
              ctx.json(token);
            });
          }).onFailure(ctx::fail);
    }
  }

  private void revokeToken(RoutingContext ctx) {
    Optional<Long> id = id(ctx);
    if (id.isEmpty()) {
      return;
    }
    tokens.revoke(id.get()).onSuccess(revoked -> {
      if (revoked.isEmpty()) {
        ErrorRenderer.render(ctx, 404, "no such live token");
      } else {
        LOG.info("admin user {} revoked ctl token {}", AdminGuards.currentUser(ctx).id(), id.get());
        audit.record(ctx, Action.D, "ctl-token.revoke", "ctl-token/" + id.get(), () -> ctx.json(revoked.get()));
      }
    }).onFailure(ctx::fail);
  }

  private static Optional<Long> id(RoutingContext ctx) {
    try {
      return Optional.of(Long.parseLong(ctx.pathParam("id")));
    } catch (NumberFormatException e) {
      ErrorRenderer.render(ctx, 404, "no such user or token");
      return Optional.empty();
    }
  }

  private static Optional<String> password(RoutingContext ctx, JsonObject body) {
    String password = AdminRoutes.string(body, "password");
    if (password == null || password.length() < AdminConfig.MIN_PASSWORD_LENGTH || password.length() > AdminAccounts.MAX_PASSWORD_LENGTH) {
      ErrorRenderer.render(ctx, 400, "password: " + AdminConfig.MIN_PASSWORD_LENGTH + " to " + AdminAccounts.MAX_PASSWORD_LENGTH
          + " characters");
      return Optional.empty();
    }
    return Optional.of(password);
  }

  private static Optional<List<Role>> roles(RoutingContext ctx, JsonObject body) {
    Object value = body.getValue("roles");
    List<Role> roles = new ArrayList<>();
    if (value instanceof JsonArray array && !array.isEmpty() && array.size() <= Role.values().length) {
      for (Object name : array) {
        Optional<Role> role = name instanceof String text ? Role.byName(text) : Optional.empty();
        if (role.isEmpty()) {
          roles.clear();
          break;
        }
        roles.add(role.get());
      }
    }
    if (roles.isEmpty()) {
      ErrorRenderer.render(ctx, 400, "roles: a non-empty list of admin, security-officer, ops, viewer");
      return Optional.empty();
    }
    return Optional.of(roles.stream().distinct().toList());
  }
}
