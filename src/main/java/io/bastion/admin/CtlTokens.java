package io.bastion.admin;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.Optional;

/**
 * Tokens for `bastion ctl`, each with one role and an expiry, revocable. The database keeps only the
 * SHA-256 of a token (256 random bits, so a fast hash is enough and allows lookup by hash); the token
 * itself is shown once, when created. Expiry and revocation are checked on every bridge message.
 */
public final class CtlTokens {

  static final String PREFIX = "bct_";
  static final int MAX_DAYS = 366;

  private final Pool pool;
  private final Clock clock;
  private final SecureRandom random;

  public CtlTokens(Pool pool, Clock clock, SecureRandom random) {
    this.pool = pool;
    this.clock = clock;
    this.random = random;
  }

  /** Creates a token; the reply holds the token itself, which is never shown again. */
  Future<JsonObject> create(String name, Role role, Duration lifetime, String createdBy) {
    byte[] raw = new byte[32];
    random.nextBytes(raw);
    String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    Instant now = clock.instant();
    return pool.preparedQuery(AdminSql.INSERT_TOKEN).execute(Tuple.of(name, MfaService.sha256(token), role.wireName(),
            createdBy, LoginThrottle.utc(now), LoginThrottle.utc(now.plus(lifetime))))
        .map(rows -> describe(rows.iterator().next()).put("token", token));
  }

  Future<JsonArray> list() {
    return pool.query(AdminSql.LIST_TOKENS).execute().map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(row -> out.add(describe(row)));
      return out;
    });
  }

  /** The revoked token's description, or empty when there is no such live token. */
  Future<Optional<JsonObject>> revoke(long id) {
    return pool.preparedQuery(AdminSql.REVOKE_TOKEN).execute(Tuple.of(id, LoginThrottle.utc(clock.instant())))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(describe(rows.iterator().next())));
  }

  /** Who holds a token: its name (the bootstrap token is "bootstrap") and role. */
  record Holder(String name, Role role) {
  }

  /** The holder of a presented token that exists, is not revoked and has not expired; empty otherwise. */
  Future<Optional<Holder>> holderOf(String presented) {
    if (presented == null || !presented.startsWith(PREFIX) || presented.length() > 100) {
      return Future.succeededFuture(Optional.empty());
    }
    return pool.preparedQuery(AdminSql.USE_TOKEN).execute(Tuple.of(MfaService.sha256(presented), LoginThrottle.utc(clock.instant())))
        .map(rows -> {
          if (rows.size() == 0) {
            return Optional.empty();
          }
          Row row = rows.iterator().next();
          return Role.byName(row.getString("role")).map(role -> new Holder(row.getString("name"), role));
        });
  }

  private static JsonObject describe(Row row) {
    return new JsonObject().put("id", row.getLong("id")).put("name", row.getString("name")).put("role", row.getString("role"))
        .put("createdBy", row.getString("created_by")).put("createdAt", text(row.getOffsetDateTime("created_at")))
        .put("expiresAt", text(row.getOffsetDateTime("expires_at"))).put("revokedAt", text(row.getOffsetDateTime("revoked_at")))
        .put("lastUsedAt", text(row.getOffsetDateTime("last_used_at")));
  }

  private static String text(OffsetDateTime time) {
    return time == null ? null : time.toInstant().toString();
  }
}
