package io.bastion.audit;

/** Event-bus addresses of the audit capability (bound when the capability lands). */
public final class AuditAddresses {

  /** Published by the gateway after each audited request. */
  public static final String RECORD = "bastion.audit.record";
  public static final String VERIFY = "bastion.audit.verify";

  private AuditAddresses() {
  }
}
