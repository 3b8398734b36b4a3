package io.bastion.auth;

/** A refused token. Carries only the reason: never the token, a claim value or key material. */
public final class TokenException extends RuntimeException {

  private final TokenFailure reason;

  public TokenException(TokenFailure reason) {
    super(reason.code(), null, false, false);
    this.reason = reason;
  }

  public TokenFailure reason() {
    return reason;
  }
}
