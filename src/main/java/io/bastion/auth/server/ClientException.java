package io.bastion.auth.server;

/** A refused client-management request: the status to answer and a message safe to show. */
public final class ClientException extends RuntimeException {

  private final int status;

  public ClientException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
