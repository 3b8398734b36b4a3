package io.bastion.security;

/** Event-bus addresses of the security capability (bound when the capability lands). */
public final class SecurityAddresses {

  public static final String BLOCK = "bastion.security.block";
  public static final String UNBLOCK = "bastion.security.unblock";
  public static final String STATUS = "bastion.security.status";
  public static final String RULES_RELOAD = "bastion.security.rules.reload";
  /** Published by the gateway, fire-and-forget, batched downstream. */
  public static final String EVENT = "bastion.security.event";
  public static final String BLOCKLIST_CHANGED = "bastion.security.blocklist.changed";

  private SecurityAddresses() {
  }
}
