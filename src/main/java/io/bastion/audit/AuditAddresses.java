package io.bastion.audit;

/** Event-bus addresses of the audit capability. */
public final class AuditAddresses {

  /**
   * Reserved for fire-and-forget records from the control plane (not bound yet). The data plane appends
   * through {@link AuditTrail} in-process, so the answer to an audited request waits for the commit.
   */
  public static final String RECORD = "bastion.audit.record";
  /**
   * Request (any body) / reply {@code {ok, records, checkpoints, firstBadSequence, kind, problem}} (see
   * {@link AuditVerification}); fails with code 500 when verification cannot run (database down).
   */
  public static final String VERIFY = "bastion.audit.verify";

  private AuditAddresses() {
  }
}
