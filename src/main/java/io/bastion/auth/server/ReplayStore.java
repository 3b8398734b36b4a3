package io.bastion.auth.server;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;

/**
 * Client-assertion ids already used, in PostgreSQL so a replay is caught whichever node it reaches. Each
 * row lives until its assertion expires; {@link #forgetExpired} clears the rest.
 */
final class ReplayStore {

  static final int MAX_JTI_LENGTH = 256;

  private final Pool pool;

  ReplayStore(Pool pool) {
    this.pool = pool;
  }

  /** True the first time a (client, jti) pair is presented; false for every replay. */
  Future<Boolean> firstUse(String clientId, String jti, Instant expiresAt) {
    return pool.preparedQuery(ServerSql.REMEMBER_JTI).execute(Tuple.of(clientId, jti, SigningKeys.utc(expiresAt)))
        .map(rows -> rows.size() == 1);
  }

  Future<Void> forgetExpired(Instant now) {
    return pool.preparedQuery(ServerSql.FORGET_EXPIRED_JTIS).execute(Tuple.of(SigningKeys.utc(now))).mapEmpty();
  }
}
