package io.bastion.auth.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals private signing keys before they reach PostgreSQL: AES-256-GCM under auth.server.key-encryption-key
 * (or admin.mfa-key, the key the TOTP secrets are sealed with), the kid as associated data so a sealed key
 * copied onto another row does not open. Without either key the JWK is stored as {@code plain:} base64 and
 * the node warns: whoever reads the database could then mint tokens.
 */
final class SigningKeySealer {

  private static final String SEALED = "v1:";
  private static final String PLAIN = "plain:";
  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecretKeySpec key;
  private final SecureRandom random;

  SigningKeySealer(byte[] key, SecureRandom random) {
    this.key = key == null ? null : new SecretKeySpec(key, "AES");
    this.random = random;
  }

  boolean encrypts() {
    return key != null;
  }

  String seal(String kid, String privateJwk) {
    byte[] plain = privateJwk.getBytes(StandardCharsets.UTF_8);
    if (key == null) {
      return PLAIN + Base64.getEncoder().encodeToString(plain);
    }
    try {
      byte[] iv = new byte[IV_BYTES];
      random.nextBytes(iv);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
      cipher.updateAAD(aad(kid));
      byte[] sealed = cipher.doFinal(plain);
      return SEALED + Base64.getEncoder().encodeToString(ByteBuffer.allocate(IV_BYTES + sealed.length).put(iv).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  /** The private JWK; throws IllegalStateException when it cannot be opened (wrong key, other row, tampered). */
  String open(String kid, String stored) {
    if (stored.startsWith(PLAIN)) {
      return new String(Base64.getDecoder().decode(stored.substring(PLAIN.length())), StandardCharsets.UTF_8);
    }
    if (!stored.startsWith(SEALED) || key == null) {
      throw new IllegalStateException("signing key " + kid + " is sealed, and no key-encryption key is configured");
    }
    try {
      byte[] all = Base64.getDecoder().decode(stored.substring(SEALED.length()));
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, IV_BYTES));
      cipher.updateAAD(aad(kid));
      return new String(cipher.doFinal(all, IV_BYTES, all.length - IV_BYTES), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException("signing key " + kid + " cannot be opened (wrong key-encryption key?)", e);
    }
  }

  private static byte[] aad(String kid) {
    return ("bastion.auth_signing_key." + kid).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "SigningKeySealer[" + (key == null ? "plain" : "aes-256-gcm") + "]";
  }
}
