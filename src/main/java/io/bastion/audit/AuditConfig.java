package io.bastion.audit;

/**
 * Tuning of the audit writer and its checkpoints. Built-in values for now (no configuration keys yet:
 * they arrive when an operator needs to change them).
 *
 * @param maxBatch records per INSERT (one transaction); larger batches amortise the commit
 * @param lingerMs how long the writer waits after the first record of an idle period to gather a batch;
 *     0 by default: while a batch is being written the next one gathers anyway, so under load batches
 *     form without it, and a linger would add its whole length to every request of a closed-loop client
 * @param maxQueued records waiting for the writer before append fails fast (PostgreSQL down or too slow)
 * @param checkpointEveryRecords a signed checkpoint after at most this many new records...
 * @param checkpointEverySeconds ...or this long, whichever comes first (only if the chain grew)
 * @param verifyBatch rows per round trip while verifying
 * @param cleanPatientIndexEveryIds patient ids appended between merges of the patients index's pending list
 *     ({@link PatientIndexCleaner}; 0: never, the INSERTs merge it). 16,384 ids are ~0.9 MB of pending entries,
 *     under a quarter of PostgreSQL's 4 MB limit at which an INSERT would merge the list itself
 */
public record AuditConfig(int maxBatch, long lingerMs, int maxQueued, long checkpointEveryRecords,
    long checkpointEverySeconds, int verifyBatch, long cleanPatientIndexEveryIds) {

  public static AuditConfig defaults() {
    return new AuditConfig(1000, 0, 100_000, 10_000, 10, 1000, 16_384);
  }
}
