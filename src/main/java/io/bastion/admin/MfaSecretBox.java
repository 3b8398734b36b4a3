package io.bastion.admin;

import io.bastion.config.AesGcmBox;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Seals TOTP secrets before they reach PostgreSQL: AES-256-GCM ({@link AesGcmBox}) under {@code admin.mfa-key}, with the
 * user's id as associated data so a sealed secret copied onto another row does not open. Without a
 * key, secrets are stored as {@code plain:} base32 (the node warns at start-up): still never logged and
 * never returned after enrolment, but readable to whoever reads the database.
 */
final class MfaSecretBox {

  private static final String SEALED = "v1:";
  private static final String PLAIN = "plain:";

  private final AesGcmBox box;

  MfaSecretBox(byte[] key, SecureRandom random) {
    this.box = key == null ? null : new AesGcmBox(key, random);
  }

  boolean encrypts() {
    return box != null;
  }

  String seal(long userId, byte[] secret) {
    return box == null ? PLAIN + Base32.encode(secret)
        : SEALED + Base64.getEncoder().encodeToString(box.seal(secret, aad(userId)));
  }

  /** The secret; throws IllegalStateException when it cannot be opened (wrong key, other row, tampered). */
  byte[] open(long userId, String stored) {
    if (stored.startsWith(PLAIN)) {
      return Base32.decode(stored.substring(PLAIN.length()));
    }
    if (!stored.startsWith(SEALED) || box == null) {
      throw new IllegalStateException("MFA secret sealed under admin.mfa-key, which is not configured");
    }
    try {
      return box.open(Base64.getDecoder().decode(stored.substring(SEALED.length())), aad(userId));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException("MFA secret cannot be opened (wrong admin.mfa-key?)", e);
    }
  }

  private static byte[] aad(long userId) {
    return ("bastion.admin_user." + userId).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "MfaSecretBox[" + (box == null ? "plain" : "aes-256-gcm") + "]";
  }
}
