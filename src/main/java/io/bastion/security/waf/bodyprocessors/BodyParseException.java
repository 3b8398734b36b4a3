package io.bastion.security.waf.bodyprocessors;

/** A body that its processor could not parse; the transaction sets REQBODY_ERROR from it. */
public final class BodyParseException extends Exception {

  public BodyParseException(String message) {
    super(message, null, false, false);
  }
}
