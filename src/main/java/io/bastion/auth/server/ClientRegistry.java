package io.bastion.auth.server;

import io.bastion.admin.PasswordHasher;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The registered clients in PostgreSQL. Client ids and secrets are random (128 and 256 bits); only a
 * secret's Argon2id hash is stored, and the secret itself is returned once, at registration.
 */
public final class ClientRegistry {

  static final String ID_PREFIX = "bcl_";
  static final String SECRET_PREFIX = "bcs_";
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  private final Pool pool;
  private final WorkerExecutor blocking;
  private final Clock clock;
  private final SecureRandom random;
  private final PasswordHasher hasher;

  public ClientRegistry(Pool pool, WorkerExecutor blocking, Clock clock, SecureRandom random) {
    this.pool = pool;
    this.blocking = blocking;
    this.clock = clock;
    this.random = random;
    this.hasher = new PasswordHasher(random);
  }

  /** A new client and, when it asked for one, its secret (shown this once). */
  public record Registered(ApiClient client, String secret) {

    public JsonObject toJson() {
      JsonObject out = client.toJson();
      return secret == null ? out : out.put("clientSecret", secret);
    }
  }

  Future<Optional<ApiClient>> find(String clientId) {
    return pool.preparedQuery(ServerSql.FIND_CLIENT).execute(Tuple.of(clientId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(ApiClient.of(rows.iterator().next())));
  }

  public Future<List<ApiClient>> list() {
    return pool.query(ServerSql.LIST_CLIENTS).execute().map(rows -> {
      List<ApiClient> out = new ArrayList<>();
      rows.forEach(row -> out.add(ApiClient.of(row)));
      return out;
    });
  }

  Future<Registered> register(ClientRequest request, String createdBy) {
    String clientId = ID_PREFIX + random(16);
    String secret = request.generateSecret() ? SECRET_PREFIX + random(32) : null;
    Future<String> hash = secret == null ? Future.succeededFuture() : blocking.executeBlocking(() -> hasher.hash(secret), false);
    return hash.compose(secretHash -> pool.preparedQuery(ServerSql.INSERT_CLIENT).execute(Tuple.from(new Object[] {
            clientId, request.name(), request.scopes().toArray(new String[0]), request.jwks(), request.jwksUri(), secretHash,
            createdBy, SigningKeys.utc(clock.instant())})))
        .map(rows -> new Registered(ApiClient.of(rows.iterator().next()), secret))
        .recover(e -> Future.failedFuture(e instanceof PgException pg && "23505".equals(pg.getSqlState())
            ? new ClientException(409, "client id collision; try again") : e));
  }

  Future<Optional<ApiClient>> setDisabled(String clientId, boolean disabled) {
    return pool.preparedQuery(ServerSql.SET_DISABLED).execute(Tuple.of(clientId, disabled, SigningKeys.utc(clock.instant())))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(ApiClient.of(rows.iterator().next())));
  }

  Future<Optional<ApiClient>> remove(String clientId) {
    return pool.preparedQuery(ServerSql.DELETE_CLIENT).execute(Tuple.of(clientId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(ApiClient.of(rows.iterator().next())));
  }

  /** Checks a presented secret against the stored hash on the worker pool (Argon2id is deliberately slow). */
  Future<Boolean> secretMatches(String presented, String storedHash) {
    return blocking.executeBlocking(() -> hasher.verify(presented, storedHash), false);
  }

  private String random(int bytes) {
    byte[] raw = new byte[bytes];
    random.nextBytes(raw);
    return B64URL.encodeToString(raw);
  }
}
