package io.bastion.audit;

/** An append that cannot be taken: the trail is closed or its queue is full. Nothing was written. */
public final class AuditUnavailableException extends RuntimeException {

  public AuditUnavailableException(String message) {
    super(message, null, false, false);
  }
}
