package io.bastion.audit;

import io.bastion.audit.AuditVerification.Kind;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Verifies the chain and its checkpoints, streaming through the table in keyset-paged batches (memory stays
 * at one batch, whatever the size of the chain), and names the first bad sequence number.
 *
 * <p>It verifies up to the tail as it was when verification began; records appended meanwhile wait for the
 * next run. For each row at position p, in seq order: the seq is the next expected one (else records are
 * missing); the seq inside the hashed entry is p (else the record was moved: reordered, renumbered after a
 * deletion, or shifted by an insertion); SHA-256(prev_hash || entry) is the stored hash (else modified);
 * prev_hash is the previous row's hash (else the previous record was changed and re-hashed). Each checkpoint
 * must be signed by a trusted key, and its hash must be the verified hash at its seq (else the chain was
 * recomputed since it was signed); a checkpoint beyond the last row means the tail was truncated.
 * Hashing and signature checks run on a worker thread, a batch at a time.
 *
 * <p>Limit: records appended after the newest checkpoint can be removed from the end without a trace in the
 * database alone; checkpoints every few seconds keep that window short (see docs/audit.md).
 */
public final class AuditVerifier {

  /** How far ahead a moved record's predecessor is looked for, to tell a reordering from a deletion. */
  private static final long REORDER_WINDOW = 10_000;

  private final Vertx vertx;
  private final Pool pool;
  private final AuditKeys keys;
  private final int batch;

  public AuditVerifier(Vertx vertx, Pool pool, AuditKeys keys, AuditConfig config) {
    this.vertx = vertx;
    this.pool = pool;
    this.keys = keys;
    this.batch = config.verifyBatch();
  }

  public Future<AuditVerification> verify() {
    return pool.query(AuditSql.HORIZON).execute().compose(rows -> {
      Row horizon = rows.iterator().next();
      Long tail = horizon.getLong("tail");
      Long lastCheckpoint = horizon.getLong("last_checkpoint");
      Walk walk = new Walk(tail == null ? 0 : tail, lastCheckpoint == null ? 0 : lastCheckpoint);
      Promise<AuditVerification> result = Promise.promise();
      walk.run(result);
      return result.future();
    });
  }

  /** A row that failed a check, and what failed. */
  private record Suspect(ChainRow row, long entrySeq, boolean selfOk, boolean linkOk) {
  }

  private record ChainRow(long seq, byte[] prevHash, byte[] hash, String entry) {

    static ChainRow of(Row row) {
      return new ChainRow(row.getLong("seq"), row.getBuffer("prev_hash").getBytes(), row.getBuffer("hash").getBytes(),
          row.getString("entry"));
    }
  }

  /** One verification run; its fields are touched by one step at a time. */
  private final class Walk {

    private final long tail;
    private final long lastCheckpointId;
    private long expected = 1;
    private byte[] prev = ChainHash.GENESIS;
    private byte[] prevPrev;
    private long verifiedCheckpoints;
    private long lastGoodCheckpointSeq;
    private AuditVerification finding;
    private Suspect suspect;

    Walk(long tail, long lastCheckpointId) {
      this.tail = tail;
      this.lastCheckpointId = lastCheckpointId;
    }

    /**
     * Verifies page after page until a result. Each page starts from the previous one's callback rather
     * than from a composed future, so neither the stack nor a chain of futures grows with the table.
     */
    void run(Promise<AuditVerification> result) {
      page().onComplete(done -> {
        if (done.failed()) {
          result.fail(done.cause());
        } else if (done.result() != null) {
          result.complete(done.result());
        } else {
          run(result);
        }
      });
    }

    /** One page: its result, or null to go on with the next page. */
    private Future<AuditVerification> page() {
      if (expected > tail) {
        return checkTruncation();
      }
      long after = expected - 1;
      return pool.preparedQuery(AuditSql.PAGE).execute(Tuple.of(after, batch)).compose(page -> {
        List<ChainRow> rows = new ArrayList<>(page.size());
        for (Row row : page) {
          if (row.getLong("seq") <= tail) {
            rows.add(ChainRow.of(row));
          }
        }
        if (rows.isEmpty()) {
          // rows up to the tail were there when we began: they have been deleted since
          return Future.succeededFuture(bad(expected, Kind.DELETED,
              "records " + expected + " to " + tail + " are missing"));
        }
        long upTo = rows.get(rows.size() - 1).seq();
        return pool.preparedQuery(AuditSql.CHECKPOINTS).execute(Tuple.of(after, upTo, lastCheckpointId))
            .compose(checkpoints -> vertx.executeBlocking(() -> check(rows, checkpoints), false))
            .compose(done -> {
              if (finding != null) {
                return Future.succeededFuture(finding);
              }
              if (suspect != null) {
                return diagnose(suspect);
              }
              return Future.succeededFuture(null);
            });
      });
    }

    /** Checks a batch; stops at the first problem, leaving it in {@link #finding} or {@link #suspect}. */
    private Void check(List<ChainRow> rows, RowSet<Row> checkpointRows) {
      Map<Long, List<AuditCheckpoint>> checkpoints = new HashMap<>();
      checkpointRows.forEach(row -> {
        AuditCheckpoint checkpoint = AuditCheckpoints.of(row);
        checkpoints.computeIfAbsent(checkpoint.seq(), s -> new ArrayList<>()).add(checkpoint);
      });
      for (ChainRow row : rows) {
        if (row.seq() != expected) {
          finding = bad(expected, Kind.DELETED, row.seq() == expected + 1 ? "record " + expected + " is missing"
              : "records " + expected + " to " + (row.seq() - 1) + " are missing");
          return null;
        }
        long entrySeq = ChainHash.seqOf(row.entry());
        boolean selfOk = Arrays.equals(ChainHash.hash(row.prevHash(), row.entry()), row.hash());
        boolean linkOk = Arrays.equals(row.prevHash(), prev);
        if (entrySeq != row.seq() || !selfOk || !linkOk) {
          suspect = new Suspect(row, entrySeq, selfOk, linkOk);
          return null;
        }
        for (AuditCheckpoint checkpoint : checkpoints.getOrDefault(row.seq(), List.of())) {
          if (!checkCheckpoint(checkpoint, row.hash())) {
            return null;
          }
        }
        prevPrev = prev;
        prev = row.hash();
        expected++;
      }
      return null;
    }

    private boolean checkCheckpoint(AuditCheckpoint checkpoint, byte[] rowHash) {
      String forged = forgery(checkpoint);
      if (forged != null) {
        finding = bad(checkpoint.seq(), Kind.CHECKPOINT_FORGED, forged);
        return false;
      }
      if (!Arrays.equals(checkpoint.hash(), rowHash)) {
        finding = bad(lastGoodCheckpointSeq + 1, Kind.CHECKPOINT_MISMATCH, "the records verify as a chain but record "
            + checkpoint.seq() + " does not have the hash signed in checkpoint #" + checkpoint.id()
            + ": records " + (lastGoodCheckpointSeq + 1) + " to " + checkpoint.seq() + " were rewritten and re-hashed");
        return false;
      }
      verifiedCheckpoints++;
      lastGoodCheckpointSeq = checkpoint.seq();
      return true;
    }

    /** Why the checkpoint cannot be believed, or null if it can. */
    private String forgery(AuditCheckpoint checkpoint) {
      if (!keys.trusts(checkpoint.publicKey())) {
        return "checkpoint #" + checkpoint.id() + " at seq " + checkpoint.seq() + " is signed by key "
            + AuditKeys.fingerprint(checkpoint.publicKey()) + ", which this node does not trust";
      }
      if (!AuditKeys.verify(checkpoint.publicKey(), checkpoint.payload(), checkpoint.signature())) {
        return "the signature of checkpoint #" + checkpoint.id() + " at seq " + checkpoint.seq() + " does not verify";
      }
      return null;
    }

    /** Names the tampering behind a failed row, with a look at its neighbours when the row alone cannot tell. */
    private Future<AuditVerification> diagnose(Suspect s) {
      long p = s.row().seq();
      long entrySeq = s.entrySeq();
      if (entrySeq > p) {
        // a later record sits here: either its predecessor follows (reordered) or it is gone (deleted)
        return pool.preparedQuery(AuditSql.FIND_HASH).execute(Tuple.of(p, p + REORDER_WINDOW,
            Buffer.buffer(s.row().prevHash()))).map(found -> found.size() > 0
            ? bad(p, Kind.REORDERED, "record " + p + " holds the record written as " + entrySeq + ", and record "
                + found.iterator().next().getLong("seq") + " holds its predecessor: records were reordered")
            : bad(p, Kind.DELETED, (entrySeq - p == 1 ? "record " + p + " was" : "records " + p + " to "
                + (entrySeq - 1) + " were") + " deleted and the later records renumbered"));
      }
      if (entrySeq > 0 && entrySeq < p) {
        return Future.succeededFuture(bad(entrySeq, Kind.INSERTED, "record " + p + " holds the record written as "
            + entrySeq + ": records " + entrySeq + " to " + (p - 1) + " were inserted"));
      }
      if (entrySeq < 0) {
        return Future.succeededFuture(bad(p, Kind.MODIFIED, "record " + p + " is not an entry the writer wrote"));
      }
      if (!s.selfOk()) {
        // a foreign record written here, with the original pushed one place on, is an insertion
        return pool.preparedQuery(AuditSql.ROW).execute(Tuple.of(p + 1)).map(next -> {
          boolean shifted = next.size() > 0 && ChainHash.seqOf(next.iterator().next().getString("entry")) == p;
          return shifted
              ? bad(p, Kind.INSERTED, "record " + p + " was inserted: the record written as " + p + " is now " + (p + 1))
              : bad(p, Kind.MODIFIED, "record " + p + " does not match its hash: its content was changed");
        });
      }
      // the row is intact but does not link to its predecessor: the predecessor was changed and re-hashed
      if (p == 1) {
        return Future.succeededFuture(bad(1, Kind.MODIFIED, "record 1 does not start from the genesis hash"));
      }
      boolean linksTwoBack = prevPrev != null && Arrays.equals(s.row().prevHash(), prevPrev);
      return Future.succeededFuture(linksTwoBack
          ? bad(p - 1, Kind.INSERTED, "record " + p + " links to record " + (p - 2) + ": record " + (p - 1)
              + " was inserted")
          : bad(p - 1, Kind.MODIFIED, "record " + p + " no longer links to record " + (p - 1) + ": record " + (p - 1)
              + " was changed and its hash recomputed"));
    }

    /** Checkpoints beyond the last row (as of the start) vouch for records that are gone. */
    private Future<AuditVerification> checkTruncation() {
      return pool.preparedQuery(AuditSql.CHECKPOINTS).execute(Tuple.of(tail, Long.MAX_VALUE, lastCheckpointId))
          .compose(rows -> vertx.executeBlocking(() -> {
            for (Row row : rows) {
              AuditCheckpoint checkpoint = AuditCheckpoints.of(row);
              String forged = forgery(checkpoint);
              if (forged != null) {
                return bad(checkpoint.seq(), Kind.CHECKPOINT_FORGED, forged);
              }
              return bad(tail + 1, Kind.TRUNCATED, "checkpoint #" + checkpoint.id() + " vouches for " + checkpoint.seq()
                  + " records but the chain ends at " + tail + ": records " + (tail + 1) + " to " + checkpoint.seq()
                  + " were cut off");
            }
            return AuditVerification.ok(tail, verifiedCheckpoints);
          }, false));
    }

    private AuditVerification bad(long firstBad, Kind kind, String problem) {
      return AuditVerification.bad(expected - 1, verifiedCheckpoints, firstBad, kind, problem);
    }
  }
}
