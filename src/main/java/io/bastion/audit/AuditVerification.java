package io.bastion.audit;

import io.vertx.core.json.JsonObject;

/**
 * The outcome of verifying the chain.
 *
 * @param ok whether the whole chain and every checkpoint verified
 * @param records records verified before the first problem (all of them when ok)
 * @param checkpoints checkpoints verified before the first problem
 * @param firstBadSequence the first sequence number that is not what was written, or null when ok
 * @param kind what went wrong, or null when ok
 * @param problem one sentence for people, or null when ok
 */
public record AuditVerification(boolean ok, long records, long checkpoints, Long firstBadSequence, Kind kind,
    String problem) {

  /** The kinds of tampering verification names. */
  public enum Kind {
    /** A record's content no longer matches its hash, or a record was changed and re-hashed. */
    MODIFIED,
    /** Records are missing: a gap in the sequence, or records removed and the rest renumbered. */
    DELETED,
    /** Records that were never written by the chain's writer were put in between. */
    INSERTED,
    /** Records are in a different order than they were written in. */
    REORDERED,
    /** The table ends before a checkpoint's sequence number: the tail was cut off. */
    TRUNCATED,
    /** A checkpoint's signature does not verify, or it is signed by a key this node does not trust. */
    CHECKPOINT_FORGED,
    /** The records verify as a chain, but not against a signed checkpoint: the chain was recomputed. */
    CHECKPOINT_MISMATCH
  }

  static AuditVerification ok(long records, long checkpoints) {
    return new AuditVerification(true, records, checkpoints, null, null, null);
  }

  static AuditVerification bad(long records, long checkpoints, long firstBad, Kind kind, String problem) {
    return new AuditVerification(false, records, checkpoints, firstBad, kind, problem);
  }

  /** The reply on {@link AuditAddresses#VERIFY}. */
  public JsonObject toJson() {
    return new JsonObject().put("ok", ok).put("records", records).put("checkpoints", checkpoints)
        .put("firstBadSequence", firstBadSequence).put("kind", kind == null ? null : kind.name())
        .put("problem", problem);
  }
}
