package io.bastion.admin;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * Lock-out with exponential backoff after failed sign-ins, per account and per client IP, kept in
 * PostgreSQL so every node sees the same counters. After {@code threshold} failures the subject is locked
 * for base seconds, doubling with each further failure up to max; a success clears the account's counter,
 * and a counter quiet for {@link #forgetAfter} starts again from zero. While locked, credentials are not even
 * checked, so a lock-out cannot be used to keep guessing.
 */
final class LoginThrottle {

  static final String ACCOUNT = "account";
  static final String IP = "ip";

  /** Locked until {@code until}; {@code retryAfterSeconds} rounded up. */
  record Lock(Instant until, long retryAfterSeconds) {
  }

  private final Pool pool;
  private final Clock clock;
  private final AdminConfig config;
  private final Duration forgetAfter;

  LoginThrottle(Pool pool, Clock clock, AdminConfig config) {
    this.pool = pool;
    this.clock = clock;
    this.config = config;
    this.forgetAfter = Duration.ofSeconds(Math.max(900, 2L * config.lockoutMaxSeconds()));
  }

  /** The lock on this account or this IP, whichever ends later; null when neither is locked. */
  Future<Lock> lock(String username, String ip) {
    Instant now = clock.instant();
    return pool.preparedQuery(AdminSql.THROTTLE_LOCKS).execute(Tuple.of(account(username), ip, utc(now))).map(rows -> {
      Instant until = null;
      for (Row row : rows) {
        Instant candidate = row.getOffsetDateTime("locked_until").toInstant();
        until = until == null || candidate.isAfter(until) ? candidate : until;
      }
      return until == null ? null : new Lock(until, Math.max(1, (Duration.between(now, until).toMillis() + 999) / 1000));
    });
  }

  /** Counts a failure against both the account and the IP, locking whichever reached its threshold. */
  Future<Void> failed(String username, String ip) {
    return Future.all(count(ACCOUNT, account(username), config.lockoutThreshold()), count(IP, ip, config.lockoutIpThreshold()))
        .mapEmpty();
  }

  /** A completed sign-in: the account starts again from zero (the IP's counter decays on its own). */
  Future<Void> succeeded(String username) {
    return pool.preparedQuery(AdminSql.THROTTLE_CLEAR_ACCOUNT).execute(Tuple.of(account(username))).mapEmpty();
  }

  /** Seconds locked after the given number of failures: 0 below the threshold, then base·2^n, capped. */
  static long lockSeconds(int failures, int threshold, int baseSeconds, int maxSeconds) {
    if (failures < threshold) {
      return 0;
    }
    int doublings = Math.min(failures - threshold, 30);
    return Math.min((long) maxSeconds, (long) baseSeconds << doublings);
  }

  private Future<Void> count(String kind, String subject, int threshold) {
    Instant now = clock.instant();
    return pool.preparedQuery(AdminSql.THROTTLE_FAIL)
        .execute(Tuple.of(kind, subject, utc(now), utc(now.minus(forgetAfter))))
        .compose(rows -> {
          int failures = rows.iterator().next().getInteger("failures");
          long seconds = lockSeconds(failures, threshold, config.lockoutBaseSeconds(), config.lockoutMaxSeconds());
          if (seconds == 0) {
            return Future.succeededFuture();
          }
          return pool.preparedQuery(AdminSql.THROTTLE_LOCK).execute(Tuple.of(kind, subject, utc(now.plusSeconds(seconds))))
              .mapEmpty();
        });
  }

  private static String account(String username) {
    return username.toLowerCase(Locale.ROOT);
  }

  static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
