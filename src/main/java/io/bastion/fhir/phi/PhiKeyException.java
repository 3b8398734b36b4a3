package io.bastion.fhir.phi;

/** A PHI key cannot be used: wrong master key, a tampered value, or a key id this node does not know. */
public final class PhiKeyException extends RuntimeException {

  public PhiKeyException(String message) {
    super(message);
  }

  public PhiKeyException(String message, Throwable cause) {
    super(message, cause);
  }
}
