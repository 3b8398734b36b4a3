package io.bastion.audit;

/**
 * Every SQL statement of the audit trail, parameterised.
 *
 * <p>Sequence assignment: each batch is one transaction that takes {@link #LOCK} (a transaction-scoped
 * advisory lock), then reads the tail with {@link #TAIL}, then inserts the batch with consecutive seqs
 * after it. The tail is read by a statement issued <em>after</em> the lock is granted, so its snapshot
 * sees the previous holder's commit (in READ COMMITTED every statement takes a new snapshot). Writers on
 * several nodes therefore take turns, batch by batch, on one gapless chain; a failed batch rolls back and
 * leaves no gap, and the lock is released at commit or rollback, also when a connection dies.
 */
final class AuditSql {

  private AuditSql() {
  }

  /** An arbitrary constant that names the audit chain's lock (ASCII "bastaudt"). */
  static final long LOCK_KEY = 0x6261737461756474L;

  /** $1 lock key. */
  static final String LOCK = "SELECT pg_advisory_xact_lock($1)";

  static final String TAIL = "SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1";

  /**
   * $1 seq[], $2 recorded[], $3 prev_hash[], $4 hash[], $5 entry[], $6 patient ids (space-separated, ''
   * for none)[], $7 agent[]: one statement per batch, whatever its size, so it is parsed and planned once.
   */
  static final String INSERT = """
      INSERT INTO audit_event (seq, recorded, prev_hash, hash, entry, patients, agent)
      SELECT s, r, p, h, e, string_to_array(NULLIF(pt, ''), ' '), a
        FROM unnest($1::bigint[], $2::timestamptz[], $3::bytea[], $4::bytea[], $5::text[], $6::text[], $7::text[])
          AS t(s, r, p, h, e, pt, a)""";

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
