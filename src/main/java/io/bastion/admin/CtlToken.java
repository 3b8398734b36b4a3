package io.bastion.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The ctl bridge's shared secret. Presented tokens are compared in constant time over SHA-256 digests of
 * both sides, so neither the content nor the length of the configured token leaks through timing.
 */
final class CtlToken {

  private final byte[] expectedDigest;

  private CtlToken(byte[] expectedDigest) {
    this.expectedDigest = expectedDigest;
  }

  /** A checker for a non-empty configured token. */
  static CtlToken of(String configured) {
    if (configured == null || configured.isEmpty()) {
      throw new IllegalArgumentException("the ctl token must not be empty");
    }
    return new CtlToken(sha256(configured));
  }

  /** Whether the presented token (null when absent) equals the configured one. */
  boolean matches(String presented) {
    // An absent token is hashed too, so a missing and a wrong token take the same time.
    byte[] presentedDigest = sha256(presented == null ? "" : presented);
    return MessageDigest.isEqual(expectedDigest, presentedDigest) && presented != null;
  }

  private static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  @Override
  public String toString() {
    return "CtlToken[<redacted>]";
  }
}
