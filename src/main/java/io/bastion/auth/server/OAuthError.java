package io.bastion.auth.server;

/**
 * A refused token request (RFC 6749 section 5.2). The error code and a fixed description go to the
 * client; {@link #reason()} says which check failed and goes only to the log and the audit trail, so a
 * caller never learns more than "client authentication failed".
 */
final class OAuthError extends RuntimeException {

  static final String INVALID_REQUEST = "invalid_request";
  static final String INVALID_CLIENT = "invalid_client";
  static final String INVALID_GRANT = "invalid_grant";
  static final String INVALID_SCOPE = "invalid_scope";
  static final String UNSUPPORTED_GRANT_TYPE = "unsupported_grant_type";

  private final String error;
  private final String reason;

  private OAuthError(String error, String description, String reason) {
    super(description, null, false, false);
    this.error = error;
    this.reason = reason;
  }

  /** Client authentication failed, for the given (logged, never sent) reason. */
  static OAuthError client(String reason) {
    return new OAuthError(INVALID_CLIENT, "client authentication failed", reason);
  }

  static OAuthError request(String description) {
    return new OAuthError(INVALID_REQUEST, description, "invalid_request");
  }

  static OAuthError of(String error, String description) {
    return new OAuthError(error, description, error);
  }

  String error() {
    return error;
  }

  String reason() {
    return reason;
  }

  int status() {
    return INVALID_CLIENT.equals(error) ? 401 : 400;
  }
}
