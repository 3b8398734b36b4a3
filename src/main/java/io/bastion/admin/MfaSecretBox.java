package io.bastion.admin;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals TOTP secrets before they reach PostgreSQL: AES-256-GCM under {@code admin.mfa-key}, with the
 * user's id as associated data so a sealed secret copied onto another row does not open. Without a
 * key, secrets are stored as {@code plain:} base32 (the node warns at start-up): still never logged and
 * never returned after enrolment, but readable to whoever reads the database.
 */
final class MfaSecretBox {

  private static final String SEALED = "v1:";
  private static final String PLAIN = "plain:";
  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecretKeySpec key;
  private final SecureRandom random;

  MfaSecretBox(byte[] key, SecureRandom random) {
    this.key = key == null ? null : new SecretKeySpec(key, "AES");
    this.random = random;
  }

  boolean encrypts() {
    return key != null;
  }

  String seal(long userId, byte[] secret) {
    if (key == null) {
      return PLAIN + Base32.encode(secret);
    }
    try {
      byte[] iv = new byte[IV_BYTES];
      random.nextBytes(iv);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
      cipher.updateAAD(aad(userId));
      byte[] sealed = cipher.doFinal(secret);
      return SEALED + Base64.getEncoder().encodeToString(ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  /** The secret; throws IllegalStateException when it cannot be opened (wrong key, other row, tampered). */
  byte[] open(long userId, String stored) {
    if (stored.startsWith(PLAIN)) {
      return Base32.decode(stored.substring(PLAIN.length()));
    }
    if (!stored.startsWith(SEALED) || key == null) {
      throw new IllegalStateException("MFA secret sealed under admin.mfa-key, which is not configured");
    }
    try {
      byte[] all = Base64.getDecoder().decode(stored.substring(SEALED.length()));
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, IV_BYTES));
      cipher.updateAAD(aad(userId));
      return cipher.doFinal(all, IV_BYTES, all.length - IV_BYTES);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException("MFA secret cannot be opened (wrong admin.mfa-key?)", e);
    }
  }

  private static byte[] aad(long userId) {
    return ("bastion.admin_user." + userId).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "MfaSecretBox[" + (key == null ? "plain" : "aes-256-gcm") + "]";
  }
}
