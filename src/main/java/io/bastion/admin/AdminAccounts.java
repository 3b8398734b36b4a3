package io.bastion.admin;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dashboard and ops accounts in PostgreSQL. Hashing runs on the blocking worker pool; SQL is
 * parameterised and lives in {@link AdminSql}.
 */
public final class AdminAccounts {

  private static final Logger LOG = LoggerFactory.getLogger(AdminAccounts.class);
  private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  static final String ROLE_ADMIN = "admin";

  private final Pool pool;
  private final WorkerExecutor blocking;
  private final PasswordHasher hasher;
  private final SecureRandom random;
  /** Verified against when the user does not exist, so timing does not reveal which usernames exist. */
  private final Future<String> decoyHash;

  public AdminAccounts(Pool pool, WorkerExecutor blocking, SecureRandom random) {
    this.pool = pool;
    this.blocking = blocking;
    this.random = random;
    this.hasher = new PasswordHasher(random);
    this.decoyHash = blocking.executeBlocking(() -> hasher.hash(generatePassword()), false);
  }

  /**
   * Creates the first administrator when there is no account at all. Without a configured password one
   * is generated and printed once on the console (stderr), never written to the log.
   */
  public Future<Void> ensureFirstAdmin(AdminConfig config) {
    return pool.query(AdminSql.COUNT_USERS).execute().compose(rows -> {
      if (rows.iterator().next().getLong(0) > 0) {
        return Future.succeededFuture();
      }
      boolean generated = config.initialPassword().isEmpty();
      String password = generated ? generatePassword() : config.initialPassword();
      return blocking.executeBlocking(() -> hasher.hash(password), false)
          .compose(hash -> pool.preparedQuery(AdminSql.INSERT_FIRST_ADMIN)
              .execute(Tuple.of(config.username(), hash, new String[] {ROLE_ADMIN})))
          .map(inserted -> {
            if (inserted.rowCount() == 0) {
              return null; // another node created it first
            }
            LOG.info("first administrator '{}' created ({})", config.username(),
                generated ? "generated password printed once on the console" : "password from admin.password");
            if (generated) {
              System.err.printf("%n  Bastion first start: administrator '%s', password: %s%n"
                  + "  It is shown only this once; sign in at /admin/ and keep it safe.%n%n", config.username(), password);
            }
            return null;
          });
    });
  }

  /** The account if the password matches; empty otherwise (unknown user and wrong password alike). */
  public Future<Optional<AdminUser>> authenticate(String username, String password) {
    return pool.preparedQuery(AdminSql.FIND_BY_USERNAME).execute(Tuple.of(username)).compose(rows -> {
      Row row = rows.size() == 0 ? null : rows.iterator().next();
      Future<String> stored = row == null ? decoyHash : Future.succeededFuture(row.getString("password_hash"));
      return stored.compose(hash -> blocking.executeBlocking(() -> hasher.verify(password, hash), false))
          .compose(ok -> {
            if (!ok || row == null) {
              return Future.succeededFuture(Optional.<AdminUser>empty());
            }
            AdminUser user = new AdminUser(row.getLong("id"), row.getString("username"), List.of(row.getArrayOfStrings("roles")));
            return pool.preparedQuery(AdminSql.TOUCH_LOGIN).execute(Tuple.of(user.id())).map(v -> Optional.of(user));
          });
    });
  }

  private String generatePassword() {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 24; i++) {
      out.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return out.toString();
  }
}
