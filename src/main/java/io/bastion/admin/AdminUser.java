package io.bastion.admin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import java.util.List;

/** A signed-in dashboard user. */
public record AdminUser(long id, String username, List<String> roles) {

  User toVertxUser() {
    return User.create(new JsonObject().put("sub", username).put("id", id).put("roles", new JsonArray(roles)));
  }

  static JsonObject describe(User user) {
    return new JsonObject().put("username", user.principal().getString("sub"))
        .put("roles", user.principal().getJsonArray("roles"));
  }
}
