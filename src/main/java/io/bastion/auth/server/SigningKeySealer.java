package io.bastion.auth.server;

import io.bastion.config.AesGcmBox;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Seals private signing keys before they reach PostgreSQL: {@code v1:} AES-256-GCM ({@link AesGcmBox}) under
 * auth.server.key-encryption-key (or admin.mfa-key, the key the TOTP secrets are sealed with), the kid as
 * associated data so a sealed key copied onto another row does not open. Without either key the JWK is stored
 * as {@code plain:} base64 and the node warns: whoever reads the database could then mint tokens.
 */
final class SigningKeySealer {

  private static final String SEALED = "v1:";
  private static final String PLAIN = "plain:";

  private final AesGcmBox box;

  SigningKeySealer(byte[] key, SecureRandom random) {
    this.box = key == null ? null : new AesGcmBox(key, random);
  }

  boolean encrypts() {
    return box != null;
  }

  String seal(String kid, String privateJwk) {
    byte[] plain = privateJwk.getBytes(StandardCharsets.UTF_8);
    return box == null ? PLAIN + Base64.getEncoder().encodeToString(plain)
        : SEALED + Base64.getEncoder().encodeToString(box.seal(plain, aad(kid)));
  }

  /** The private JWK; throws IllegalStateException when it cannot be opened (wrong key, other row, tampered). */
  String open(String kid, String stored) {
    if (stored.startsWith(PLAIN)) {
      return new String(Base64.getDecoder().decode(stored.substring(PLAIN.length())), StandardCharsets.UTF_8);
    }
    if (!stored.startsWith(SEALED) || box == null) {
      throw new IllegalStateException("signing key " + kid + " is sealed, and no key-encryption key is configured");
    }
    try {
      return new String(box.open(Base64.getDecoder().decode(stored.substring(SEALED.length())), aad(kid)),
          StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException("signing key " + kid + " cannot be opened (wrong key-encryption key?)", e);
    }
  }

  private static byte[] aad(String kid) {
    return ("bastion.auth_signing_key." + kid).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "SigningKeySealer[" + (box == null ? "plain" : "aes-256-gcm") + "]";
  }
}
