package io.bastion.admin;

import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * TOTP (RFC 6238 over RFC 4226 HOTP): HMAC-SHA-1, 6 digits, 30-second steps, accepting the previous,
 * current and next step to absorb clock drift. The caller remembers the last step used and passes it in,
 * so a code (or an earlier one) is never accepted twice.
 */
final class Totp {

  static final int DIGITS = 6;
  static final long STEP_SECONDS = 30;
  static final int WINDOW = 1;
  static final int SECRET_BYTES = 20; // 160 bits, RFC 4226's recommended key length for SHA-1
  private static final int[] POWERS = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

  private Totp() {
  }

  static long step(Instant time) {
    return Math.floorDiv(time.getEpochSecond(), STEP_SECONDS);
  }

  /** The HOTP value of {@code key} at {@code counter}, zero-padded to {@code digits}. */
  static String code(byte[] key, long counter, int digits) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(key, "HmacSHA1"));
      byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(counter).array());
      int offset = hash[hash.length - 1] & 0x0f;
      int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16)
          | ((hash[offset + 2] & 0xff) << 8) | (hash[offset + 3] & 0xff);
      String value = Integer.toString(binary % POWERS[digits]);
      return "0".repeat(digits - value.length()) + value;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA1 is required by every Java platform", e);
    }
  }

  static String code(byte[] key, Instant time) {
    return code(key, step(time), DIGITS);
  }

  /**
   * The step the code matches within the window around {@code now} and after {@code lastUsedStep}
   * (-1 for none), or -1 when it matches none. Every candidate is computed and compared in constant time.
   */
  static long match(byte[] key, String code, Instant now, long lastUsedStep) {
    if (code == null || code.length() != DIGITS || !code.chars().allMatch(Character::isDigit)) {
      return -1;
    }
    byte[] presented = code.getBytes(StandardCharsets.US_ASCII);
    long current = step(now);
    long matched = -1;
    for (long s = current - WINDOW; s <= current + WINDOW; s++) {
      boolean equal = MessageDigest.isEqual(presented, code(key, s, DIGITS).getBytes(StandardCharsets.US_ASCII));
      if (equal && s > lastUsedStep && matched < 0) {
        matched = s;
      }
    }
    return matched;
  }

  /** The otpauth:// URI authenticator apps read from the QR code. */
  static String uri(String issuer, String account, byte[] key) {
    String label = encode(issuer) + ":" + encode(account);
    return "otpauth://totp/" + label + "?secret=" + Base32.encode(key) + "&issuer=" + encode(issuer)
        + "&algorithm=SHA1&digits=" + DIGITS + "&period=" + STEP_SECONDS;
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
