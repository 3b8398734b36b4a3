package io.bastion.admin;

import io.bastion.config.ConfigReader;
import java.time.Duration;
import java.util.Base64;

/** The first administrator, dashboard sessions, sign-in lock-out and the MFA secret key. */
public record AdminConfig(String username, String initialPassword, int sessionIdleMinutes, int sessionAbsoluteHours,
    int lockoutThreshold, int lockoutIpThreshold, int lockoutBaseSeconds, int lockoutMaxSeconds, byte[] mfaKey) {

  static final int MIN_PASSWORD_LENGTH = 12;
  private static final int MFA_KEY_BYTES = 32;

  public static AdminConfig read(ConfigReader r) {
    String username = r.string("admin.username");
    if (!username.matches(AdminAccounts.USERNAME_PATTERN)) {
      r.problem("admin.username", username, "1-64 letters, digits, '.', '_', '@' or '-'");
    }
    String password = r.string("admin.password");
    if (!password.isEmpty() && password.length() < MIN_PASSWORD_LENGTH) {
      r.problem("admin.password", "<" + password.length() + " characters>", "at least " + MIN_PASSWORD_LENGTH + " characters, or empty to generate one");
    }
    int base = r.integer("admin.lockout-base-seconds", 1, 3600);
    int max = r.integer("admin.lockout-max-seconds", 1, 86_400);
    if (max < base) {
      r.problem("admin.lockout-max-seconds", max, "at least admin.lockout-base-seconds (" + base + ")");
    }
    return new AdminConfig(username, password,
        r.integer("admin.session-idle-minutes", 1, 24 * 60),
        r.integer("admin.session-absolute-hours", 1, 7 * 24),
        r.integer("admin.lockout-threshold", 1, 100),
        r.integer("admin.lockout-ip-threshold", 1, 10_000),
        base, max, mfaKey(r));
  }

  private static byte[] mfaKey(ConfigReader r) {
    String text = r.string("admin.mfa-key");
    if (text.isEmpty()) {
      return null;
    }
    try {
      byte[] key = Base64.getDecoder().decode(text);
      if (key.length == MFA_KEY_BYTES) {
        return key;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    r.problem("admin.mfa-key", "<" + text.length() + " characters>", "base64 of exactly 32 bytes, or empty");
    return null;
  }

  public Duration sessionAbsolute() {
    return Duration.ofHours(sessionAbsoluteHours);
  }

  @Override
  public String toString() {
    return "AdminConfig[username=" + username + ", initialPassword=<redacted>, sessionIdleMinutes=" + sessionIdleMinutes
        + ", sessionAbsoluteHours=" + sessionAbsoluteHours + ", lockout=" + lockoutThreshold + "/" + lockoutIpThreshold
        + " base " + lockoutBaseSeconds + " s max " + lockoutMaxSeconds + " s, mfaKey=" + (mfaKey == null ? "none" : "<redacted>") + "]";
  }
}
