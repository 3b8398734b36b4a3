package io.bastion.admin;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.util.ArrayList;
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
  static final String USERNAME_PATTERN = "[A-Za-z0-9._@-]{1,64}";
  static final int MAX_PASSWORD_LENGTH = 1024;
  static final String ROLE_ADMIN = Role.ADMIN.wireName();
  private static final String UNIQUE_VIOLATION = "23505";

  /** A refused change, rendered as problem+json with this status. */
  static final class AccountException extends RuntimeException {
    final int status;

    AccountException(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

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
   * is generated and printed once on the console (stderr), never written to the log. The admin role
   * requires MFA, so the first sign-in continues with TOTP enrolment.
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
            LOG.info("first administrator '{}' created ({}); MFA enrolment follows at first sign-in", config.username(),
                generated ? "generated password printed once on the console" : "password from admin.password");
            if (generated) {
              System.err.printf("%n  Bastion first start: administrator '%s', password: %s%n"
                  + "  It is shown only this once; sign in at /admin/ and keep it safe.%n%n", config.username(), password);
            }
            return null;
          });
    });
  }

  /**
   * The account if the password matches and it is not disabled; empty otherwise (unknown user, wrong
   * password and disabled account alike, all after one Argon2id verification).
   */
  public Future<Optional<AdminUser>> authenticate(String username, String password) {
    return pool.preparedQuery(AdminSql.FIND_BY_USERNAME).execute(Tuple.of(username)).compose(rows -> {
      Row row = rows.size() == 0 ? null : rows.iterator().next();
      Future<String> stored = row == null ? decoyHash : Future.succeededFuture(row.getString("password_hash"));
      return stored.compose(hash -> blocking.executeBlocking(() -> hasher.verify(password, hash), false))
          .map(ok -> ok && row != null && !row.getBoolean("disabled") ? Optional.of(AdminUser.from(row)) : Optional.<AdminUser>empty());
    });
  }

  /** Records a completed sign-in (after the second factor, where there is one). */
  Future<Void> touchLogin(long id) {
    return pool.preparedQuery(AdminSql.TOUCH_LOGIN).execute(Tuple.of(id)).mapEmpty();
  }

  Future<Optional<AdminUser>> find(long id) {
    return pool.preparedQuery(AdminSql.FIND_BY_ID).execute(Tuple.of(id)).map(AdminAccounts::first);
  }

  Future<List<AdminUser>> list() {
    return pool.query(AdminSql.LIST_USERS).execute().map(rows -> {
      List<AdminUser> users = new ArrayList<>();
      rows.forEach(row -> users.add(AdminUser.from(row)));
      return users;
    });
  }

  Future<AdminUser> create(String username, String password, List<Role> roles) {
    return blocking.executeBlocking(() -> hasher.hash(password), false)
        .compose(hash -> pool.preparedQuery(AdminSql.INSERT_USER)
            .execute(Tuple.tuple().addString(username).addString(hash).addArrayOfString(names(roles))))
        .map(rows -> AdminUser.from(rows.iterator().next()))
        .recover(e -> Future.failedFuture(e instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())
            ? new AccountException(409, "a user named '" + username + "' already exists") : e));
  }

  /** Changes roles; refuses to take the admin role from the last enabled administrator. */
  Future<AdminUser> setRoles(long id, List<Role> roles) {
    Future<Void> check = roles.contains(Role.ADMIN) ? Future.succeededFuture() : requireAnotherAdmin(id);
    return check.compose(v -> pool.preparedQuery(AdminSql.SET_ROLES).execute(Tuple.tuple().addLong(id).addArrayOfString(names(roles))))
        .compose(AdminAccounts::updated);
  }

  Future<AdminUser> setPassword(long id, String password) {
    return blocking.executeBlocking(() -> hasher.hash(password), false)
        .compose(hash -> pool.preparedQuery(AdminSql.SET_PASSWORD).execute(Tuple.of(id, hash)))
        .compose(AdminAccounts::updated);
  }

  /** Disables or enables; refuses to disable the last enabled administrator. */
  Future<AdminUser> setDisabled(long id, boolean disabled) {
    Future<Void> check = disabled ? requireAnotherAdmin(id) : Future.succeededFuture();
    return check.compose(v -> pool.preparedQuery(AdminSql.SET_DISABLED).execute(Tuple.of(id, disabled)))
        .compose(AdminAccounts::updated);
  }

  private Future<Void> requireAnotherAdmin(long id) {
    return pool.preparedQuery(AdminSql.COUNT_OTHER_ENABLED_ADMINS).execute(Tuple.of(id)).compose(rows ->
        rows.iterator().next().getLong(0) > 0 ? Future.succeededFuture()
            : find(id).compose(user -> user.isPresent() && user.get().roles().contains(Role.ADMIN) && !user.get().disabled()
                ? Future.failedFuture(new AccountException(409, "this is the last enabled administrator"))
                : Future.succeededFuture()));
  }

  private static Future<AdminUser> updated(RowSet<Row> rows) {
    return first(rows).map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(new AccountException(404, "no such user")));
  }

  private static Optional<AdminUser> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(AdminUser.from(rows.iterator().next()));
  }

  private static String[] names(List<Role> roles) {
    return roles.stream().map(Role::wireName).distinct().toArray(String[]::new);
  }

  private String generatePassword() {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 24; i++) {
      out.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return out.toString();
  }
}
