package io.bastion.audit;

/**
 * Tuning of the audit writer and its checkpoints. Built-in values, except the flush interval
 * ({@code audit.flush-interval-ms}, {@link AuditSettings}); the others get configuration keys when an operator
 * needs to change them.
 *
 * @param maxBatch records per INSERT (one transaction); larger batches amortise the commit
 * @param flushIntervalMs the least time between the starts of two batches. The first record after a quiet
 *     period goes at once; under load each batch carries what gathered over the interval, so the per-batch
 *     cost (function call, lock, commit and WAL flush; waking the callers) is shared by more records, at the
 *     price of at most this much latency per audited request. 0: each batch starts as soon as the previous
 *     one is committed
 * @param maxQueued records waiting for the writer before append fails fast (PostgreSQL down or too slow)
 * @param checkpointEveryRecords a signed checkpoint after at most this many new records...
 * @param checkpointEverySeconds ...or this long, whichever comes first (only if the chain grew)
 * @param verifyBatch rows per round trip while verifying
 */
public record AuditConfig(int maxBatch, long flushIntervalMs, int maxQueued, long checkpointEveryRecords,
    long checkpointEverySeconds, int verifyBatch) {

  public static AuditConfig defaults() {
    return new AuditConfig(1000, 2, 100_000, 10_000, 10, 1000);
  }

  public AuditConfig withFlushIntervalMs(long ms) {
    return new AuditConfig(maxBatch, ms, maxQueued, checkpointEveryRecords, checkpointEverySeconds, verifyBatch);
  }
}
