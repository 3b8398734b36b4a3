package io.bastion.security;

/** A WAF command refused or failed with one of {@link SecurityAddresses}' failure codes and a message for people. */
final class WafCommandException extends RuntimeException {

  private static final long serialVersionUID = 1L;
  private final int code;

  WafCommandException(int code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  int code() {
    return code;
  }
}
