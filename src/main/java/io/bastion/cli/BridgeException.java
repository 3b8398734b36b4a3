package io.bastion.cli;

/** Why a request over the ctl bridge did not get an answer; {@link #kind()} decides the CLI's exit code. */
public final class BridgeException extends RuntimeException {

  /** The ways a bridge request can fail, as a client can tell them apart. */
  public enum Kind {
    /** No connection: refused, unknown host, connect timeout. */
    UNREACHABLE,
    /** The node's bridge refused the token (missing or wrong). */
    TOKEN_REFUSED,
    /** The token was accepted but its role may not use this address. */
    ROLE_REFUSED,
    /** The token was accepted but the address is not on the bridge's permitted list. */
    ADDRESS_REFUSED,
    /** No reply within the timeout. */
    TIMEOUT,
    /** The message was delivered and failed: no consumer, or the consumer replied with a failure. */
    REPLY_FAILED,
    /** The connection closed, or the node sent something that is not the bridge protocol. */
    BROKEN
  }

  private final Kind kind;

  public BridgeException(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
