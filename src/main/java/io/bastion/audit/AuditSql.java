package io.bastion.audit;

/**
 * Every SQL statement of the audit trail, parameterised.
 *
 * <p>Sequence assignment: a batch is appended by one call of the {@code audit_append} function
 * (V10__audit_append.sql) in its own transaction. Under a transaction-scoped advisory lock it reads the
 * committed tail and inserts the batch only if the batch was chained onto that tail; otherwise it returns
 * the actual tail and the writer re-chains and calls again. Writers on several nodes therefore take turns,
 * batch by batch, on one gapless chain; a failed batch rolls back and leaves no gap, and the lock is
 * released at commit or rollback, also when a connection dies. One round trip per batch.
 */
final class AuditSql {

  private AuditSql() {
  }

  static final String TAIL = "SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1";

  /**
   * $1 expected tail seq (0 for an empty chain), $2 expected tail hash (32 zero bytes for an empty chain),
   * $3 seq[], $4 recorded[], $5 prev_hash[], $6 hash[], $7 entry[], $8 patient ids (space-separated, '' for
   * none)[], $9 agent[]. One row: appended, and the tail after the call (the batch's last record when
   * appended, the actual tail when not).
   */
  static final String APPEND = """
      SELECT appended, tail_seq, tail_hash FROM audit_append($1::bigint, $2::bytea, $3::bigint[],
        $4::timestamptz[], $5::bytea[], $6::bytea[], $7::text[], $8::text[], $9::text[])""";

  /**
   * Merges the pending entries of the patients index into the index proper (see {@link PatientIndexCleaner});
   * answers the number of pending pages it removed.
   */
  static final String CLEAN_PATIENT_INDEX = "SELECT gin_clean_pending_list('audit_event_patients'::regclass)";

  /** $1 after seq, $2 limit. */
  static final String PAGE = "SELECT seq, prev_hash, hash, entry FROM audit_event WHERE seq > $1 ORDER BY seq LIMIT $2";

  /** The verification horizon, in one snapshot: the chain's tail and the newest checkpoint. */
  static final String HORIZON = """
      SELECT (SELECT max(seq) FROM audit_event) AS tail, (SELECT max(id) FROM audit_checkpoint) AS last_checkpoint""";

  /** $1 seq. */
  static final String ROW = "SELECT seq, prev_hash, hash, entry FROM audit_event WHERE seq = $1";

  /** $1 after seq, $2 up to seq, $3 hash: the first row in the window with that hash. */
  static final String FIND_HASH = "SELECT seq FROM audit_event WHERE seq > $1 AND seq <= $2 AND hash = $3 ORDER BY seq LIMIT 1";

  /** $1 seq, $2 hash, $3 node, $4 signed_at, $5 public_key, $6 signature. */
  static final String INSERT_CHECKPOINT = """
      INSERT INTO audit_checkpoint (seq, hash, node, signed_at, public_key, signature)
      VALUES ($1, $2, $3, $4, $5, $6) RETURNING id""";

  /** $1 after seq (exclusive), $2 up to seq (inclusive), $3 newest id to consider. */
  static final String CHECKPOINTS = """
      SELECT id, seq, hash, node, signed_at, public_key, signature FROM audit_checkpoint
       WHERE seq > $1 AND seq <= $2 AND id <= $3 ORDER BY seq, id""";

  /** $1 limit: the newest checkpoints first, for the checkpoint list. */
  static final String RECENT_CHECKPOINTS = """
      SELECT id, seq, hash, node, signed_at, public_key, signature FROM audit_checkpoint ORDER BY id DESC LIMIT $1""";
}
