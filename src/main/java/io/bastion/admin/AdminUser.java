package io.bastion.admin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** A dashboard account as stored, without its password hash or MFA secret. */
public record AdminUser(long id, String username, List<Role> roles, boolean disabled, boolean mfaEnrolled,
    OffsetDateTime createdAt, OffsetDateTime lastLoginAt) {

  static AdminUser from(Row row) {
    List<Role> roles = Arrays.stream(row.getArrayOfStrings("roles")).map(Role::byName).flatMap(Optional::stream).toList();
    return new AdminUser(row.getLong("id"), row.getString("username"), roles, row.getBoolean("disabled"),
        row.getString("mfa_secret") != null, row.getOffsetDateTime("created_at"), row.getOffsetDateTime("last_login_at"));
  }

  Set<Permission> permissions() {
    return Role.permissionsOf(roles);
  }

  boolean may(Permission permission) {
    return permissions().contains(permission);
  }

  boolean mfaRequired() {
    return Role.mfaRequired(roles);
  }

  List<String> roleNames() {
    return roles.stream().map(Role::wireName).toList();
  }

  /** The Vert.x user a fully signed-in session carries (the SockJS bridge reads its roles). */
  User toVertxUser() {
    return User.create(new JsonObject().put("sub", username).put("id", id).put("roles", new JsonArray(roleNames())));
  }

  /** For the users API: everything but secrets. */
  JsonObject toJson() {
    return new JsonObject().put("id", id).put("username", username).put("roles", new JsonArray(roleNames()))
        .put("disabled", disabled).put("mfaEnrolled", mfaEnrolled)
        .put("createdAt", createdAt == null ? null : createdAt.toInstant().toString())
        .put("lastLoginAt", lastLoginAt == null ? null : lastLoginAt.toInstant().toString());
  }

  /** For GET /admin/api/session: who, with which roles, permissions and panels. */
  JsonObject describeSession() {
    return new JsonObject().put("username", username).put("roles", new JsonArray(roleNames()))
        .put("permissions", new JsonArray(permissions().stream().map(Permission::wireName).toList()))
        .put("panels", new JsonArray(Role.panelsOf(roles))).put("mfaEnrolled", mfaEnrolled);
  }
}
