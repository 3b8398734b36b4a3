package io.bastion.config;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM under a configured key, for the few secrets Bastion keeps in PostgreSQL (TOTP secrets, token
 * signing keys): a random 96-bit IV per seal, stored in front of the ciphertext and its 128-bit tag, and
 * associated data naming the row, so a sealed value copied onto another row does not open.
 */
public final class AesGcmBox {

  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecretKeySpec key;
  private final SecureRandom random;

  public AesGcmBox(byte[] key, SecureRandom random) {
    this.key = new SecretKeySpec(Arrays.copyOf(key, key.length), "AES");
    this.random = random;
  }

  /** IV followed by ciphertext and tag. */
  public byte[] seal(byte[] plain, byte[] associatedData) {
    try {
      byte[] iv = new byte[IV_BYTES];
      random.nextBytes(iv);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
      cipher.updateAAD(associatedData);
      byte[] sealed = cipher.doFinal(plain);
      return ByteBuffer.allocate(IV_BYTES + sealed.length).put(iv).put(sealed).array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  /** The plaintext; fails when the key, the associated data or a byte of {@code sealed} is wrong. */
  public byte[] open(byte[] sealed, byte[] associatedData) throws GeneralSecurityException {
    if (sealed.length < IV_BYTES) {
      throw new GeneralSecurityException("too short to be sealed");
    }
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, IV_BYTES));
    cipher.updateAAD(associatedData);
    return cipher.doFinal(sealed, IV_BYTES, sealed.length - IV_BYTES);
  }
}
