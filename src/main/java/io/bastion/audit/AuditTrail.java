package io.bastion.audit;

import io.vertx.core.Future;

/**
 * The audit trail as the data plane sees it: a plain, thread-safe object called in-process from any
 * event loop (no event-bus hop per request).
 */
public interface AuditTrail {

  /**
   * Queues the record for the chain. The future completes only when the record is committed in PostgreSQL
   * (an audited request must not be answered before that), on the caller's context; concurrent appends
   * share one transaction per batch. It fails, and nothing is acknowledged, when the batch's transaction
   * fails or the writer's queue is full ({@link AuditUnavailableException}); a failed append was not
   * written, or (if the connection died after COMMIT was sent) was written without being acknowledged.
   */
  Future<Void> append(AuditRecord record);

  /** Signs a checkpoint over the current tail now, if the chain grew since this node's last one. */
  Future<AuditCheckpoint> checkpoint();

  /** Stops accepting appends and completes when every queued append has been written or has failed. */
  Future<Void> close();
}
