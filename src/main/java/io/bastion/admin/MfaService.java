package io.bastion.admin;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * TOTP enrolment and verification, and one-time recovery codes. Secrets are sealed by
 * {@link MfaSecretBox}, shown once (as QR code and text) while enrolment is pending, and never returned
 * after it is confirmed. Replay is refused in SQL: a step is accepted only if it is later than the last
 * one used, atomically, so two nodes cannot both accept the same code.
 */
final class MfaService {

  static final String ISSUER = "Bastion";
  static final int RECOVERY_CODES = 10;
  private static final String RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"; // 31 symbols, no look-alikes
  private static final int RECOVERY_LENGTH = 10; // 10 symbols of ~4.95 bits: ~50 bits each

  private final Pool pool;
  private final Clock clock;
  private final SecureRandom random;
  private final MfaSecretBox box;

  MfaService(Pool pool, Clock clock, SecureRandom random, MfaSecretBox box) {
    this.pool = pool;
    this.clock = clock;
    this.random = random;
    this.box = box;
  }

  /**
   * Generates a new pending secret (replacing any earlier pending one) and returns what the page shows:
   * {@code {otpauthUri, secret, qrCode}} where qrCode is an SVG data: URI.
   */
  Future<JsonObject> startEnrolment(AdminUser user) {
    byte[] secret = new byte[Totp.SECRET_BYTES];
    random.nextBytes(secret);
    String uri = Totp.uri(ISSUER, user.username(), secret);
    return pool.preparedQuery(AdminSql.SET_PENDING_SECRET).execute(Tuple.of(user.id(), box.seal(user.id(), secret)))
        .map(v -> new JsonObject().put("otpauthUri", uri).put("secret", Base32.encode(secret))
            .put("qrCode", QrCode.svgDataUri(uri)));
  }

  /**
   * Confirms the pending enrolment with a first code; on success activates the secret and returns the
   * new recovery codes (to show once). Null when the code does not match or nothing is pending.
   */
  Future<List<String>> confirmEnrolment(long userId, String code) {
    return pool.preparedQuery(AdminSql.MFA_STATE).execute(Tuple.of(userId)).compose(rows -> {
      Row row = rows.size() == 0 ? null : rows.iterator().next();
      String pending = row == null ? null : row.getString("mfa_pending_secret");
      if (pending == null) {
        return Future.succeededFuture(null);
      }
      long step = Totp.match(box.open(userId, pending), code, clock.instant(), -1);
      if (step < 0) {
        return Future.succeededFuture(null);
      }
      List<String> codes = newRecoveryCodes();
      return pool.withTransaction(tx -> tx.preparedQuery(AdminSql.CONFIRM_SECRET).execute(Tuple.of(userId, pending, step))
          .compose(updated -> {
            if (updated.rowCount() == 0) {
              return Future.succeededFuture(null); // a concurrent enrolment replaced the secret
            }
            List<Tuple> hashes = codes.stream().map(c -> Tuple.of(userId, sha256(c))).toList();
            return tx.preparedQuery(AdminSql.DELETE_RECOVERY_CODES).execute(Tuple.of(userId))
                .compose(v -> tx.preparedQuery(AdminSql.INSERT_RECOVERY_CODE).executeBatch(hashes))
                .map(v -> codes);
          }));
    });
  }

  /** Whether the TOTP code is valid now and was not used before. */
  Future<Boolean> verifyCode(long userId, String code) {
    return pool.preparedQuery(AdminSql.MFA_STATE).execute(Tuple.of(userId)).compose(rows -> {
      Row row = rows.size() == 0 ? null : rows.iterator().next();
      if (row == null || row.getString("mfa_secret") == null) {
        return Future.succeededFuture(false);
      }
      Long last = row.getLong("mfa_last_step");
      long step = Totp.match(box.open(userId, row.getString("mfa_secret")), code, clock.instant(), last == null ? -1 : last);
      if (step < 0) {
        return Future.succeededFuture(false);
      }
      return pool.preparedQuery(AdminSql.USE_STEP).execute(Tuple.of(userId, step)).map(updated -> updated.rowCount() == 1);
    });
  }

  /** Whether the recovery code is one of the user's unused codes; marks it used. */
  Future<Boolean> useRecoveryCode(long userId, String code) {
    String normalised = code == null ? "" : code.replaceAll("[\\s-]", "").toLowerCase(Locale.ROOT);
    if (normalised.length() != RECOVERY_LENGTH) {
      return Future.succeededFuture(false);
    }
    return pool.preparedQuery(AdminSql.USE_RECOVERY_CODE)
        .execute(Tuple.of(userId, sha256(normalised), LoginThrottle.utc(clock.instant())))
        .map(updated -> updated.rowCount() == 1);
  }

  /** Removes the authenticator and recovery codes (lost device); the user enrols again at next sign-in. */
  Future<Void> reset(long userId) {
    return pool.withTransaction(tx -> tx.preparedQuery(AdminSql.RESET_MFA).execute(Tuple.of(userId))
        .compose(v -> tx.preparedQuery(AdminSql.DELETE_RECOVERY_CODES).execute(Tuple.of(userId)))).mapEmpty();
  }

  static JsonArray formatted(List<String> codes) {
    return new JsonArray(codes.stream().map(c -> c.substring(0, 5) + "-" + c.substring(5)).toList());
  }

  private List<String> newRecoveryCodes() {
    List<String> codes = new ArrayList<>();
    for (int i = 0; i < RECOVERY_CODES; i++) {
      StringBuilder code = new StringBuilder();
      for (int j = 0; j < RECOVERY_LENGTH; j++) {
        code.append(RECOVERY_ALPHABET.charAt(random.nextInt(RECOVERY_ALPHABET.length())));
      }
      codes.add(code.toString());
    }
    return codes;
  }

  static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
