package io.bastion.auth.server;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * A registered backend-service client: what it may ask for ({@code scopes}) and how it proves who it is:
 * a JWKS (inline, or at {@code jwksUri}) for private_key_jwt, or the Argon2id hash of a secret.
 */
public record ApiClient(long id, String clientId, String name, List<String> scopes, JsonObject jwks, String jwksUri,
    String secretHash, boolean disabled, String createdBy, Instant createdAt, Instant updatedAt) {

  public ApiClient {
    scopes = List.copyOf(scopes);
  }

  static ApiClient of(Row row) {
    Object jwks = row.getValue("jwks");
    return new ApiClient(row.getLong("id"), row.getString("client_id"), row.getString("name"),
        Arrays.asList(row.getArrayOfStrings("scopes")), jwks instanceof JsonObject object ? object : null,
        row.getString("jwks_uri"), row.getString("secret_hash"), row.getBoolean("disabled"), row.getString("created_by"),
        row.getOffsetDateTime("created_at").toInstant(),
        row.getOffsetDateTime("updated_at") == null ? null : row.getOffsetDateTime("updated_at").toInstant());
  }

  /** private_key_jwt or client_secret (basic or post). */
  public String authMethod() {
    return secretHash != null ? "client_secret" : "private_key_jwt";
  }

  /** The description shown to admins: never the secret hash; the JWKS only as a key count. */
  public JsonObject toJson() {
    JsonObject out = new JsonObject().put("clientId", clientId).put("name", name).put("scopes", new JsonArray(scopes))
        .put("authMethod", authMethod()).put("disabled", disabled).put("createdBy", createdBy)
        .put("createdAt", createdAt.toString()).put("updatedAt", updatedAt == null ? null : updatedAt.toString());
    if (jwksUri != null) {
      out.put("jwksUri", jwksUri);
    }
    if (jwks != null) {
      out.put("jwksKeys", jwks.getJsonArray("keys", new JsonArray()).size());
    }
    return out;
  }
}
