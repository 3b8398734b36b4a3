package io.bastion.audit;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link AuditTrail} on PostgreSQL with group commit: callers on any thread put records on a lock-free
 * queue; one writer, confined to its own Vert.x context, takes up to {@code maxBatch} of them at a time,
 * chains them onto the tail it last saw and appends each batch with one call, one transaction, one round
 * trip (see {@link AuditSql#APPEND}). While a batch is in flight the next one gathers, so throughput grows
 * with load while every caller still waits for its own commit. Canonical JSON is built on the caller's
 * thread, hashing on the writer's.
 */
public final class PgAuditTrail implements AuditTrail {

  private static final Logger LOG = LoggerFactory.getLogger(PgAuditTrail.class);
  private static final long RETRY_DELAY_MS = 50;
  /** Re-chaining is needed only when another node appended in between; this many in a row means trouble. */
  private static final int MAX_RECHAINS = 100;

  private final Vertx vertx;
  private final Context writer;
  private final Pool pool;
  private final AuditConfig config;
  private final AuditCheckpoints checkpoints;
  private final PatientIndexCleaner patientIndex;
  private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  /** True from the moment a round is scheduled until the writer finds the queue empty. */
  private final AtomicBoolean active = new AtomicBoolean();
  private volatile boolean closed;

  // confined to the writer context
  private long lastWritten;
  /** A guess until the first append answers with the actual tail (one extra round trip at start). */
  private Tail tail = Tail.EMPTY;
  private long sinceCheckpoint;
  private final List<Promise<Void>> drainWaiters = new ArrayList<>();

  /** @param writer the context the writer is confined to: an event-loop context of its own */
  public PgAuditTrail(Vertx vertx, Context writer, Pool pool, AuditConfig config, AuditCheckpoints checkpoints) {
    this.vertx = vertx;
    this.writer = writer;
    this.pool = pool;
    this.config = config;
    this.checkpoints = checkpoints;
    this.patientIndex = new PatientIndexCleaner(pool, config.cleanPatientIndexEveryIds());
  }

  private record Pending(String event, OffsetDateTime recorded, String patients, int patientCount, String agent,
      Context caller, Promise<Void> promise) {
  }

  @Override
  public Future<Void> append(AuditRecord record) {
    if (closed) {
      return Future.failedFuture(new AuditUnavailableException("the audit trail is closed"));
    }
    String event = CanonicalAuditEvent.encode(record);
    if (queued.incrementAndGet() > config.maxQueued()) {
      queued.decrementAndGet();
      return Future.failedFuture(new AuditUnavailableException(
          "the audit writer is " + config.maxQueued() + " records behind: PostgreSQL is unavailable or too slow"));
    }
    Promise<Void> promise = Promise.promise();
    queue.add(new Pending(event, record.recorded().atOffset(ZoneOffset.UTC), String.join(" ", record.patientIds()),
        record.patientIds().size(), record.requestorId(), Vertx.currentContext(), promise));
    if (active.compareAndSet(false, true)) {
      writer.runOnContext(v -> startRound());
    }
    return promise.future();
  }

  @Override
  public Future<AuditCheckpoint> checkpoint() {
    return checkpoints.create();
  }

  @Override
  public Future<Void> close() {
    closed = true;
    Promise<Void> drained = Promise.promise();
    writer.runOnContext(v -> {
      drainWaiters.add(drained);
      completeDrainWaiters();
    });
    return drained.future();
  }

  private void startRound() {
    if (queued.get() >= config.maxBatch() || config.lingerMs() <= 0) {
      flush();
    } else {
      vertx.setTimer(config.lingerMs(), id -> flush());
    }
  }

  private void flush() {
    List<Pending> batch = new ArrayList<>(Math.min(queued.get(), config.maxBatch()));
    Pending next;
    while (batch.size() < config.maxBatch() && (next = queue.poll()) != null) {
      batch.add(next);
    }
    queued.addAndGet(-batch.size());
    if (batch.isEmpty()) {
      idle();
      return;
    }
    writeBatch(batch).onComplete(result -> {
      settle(batch, result);
      if (queue.isEmpty()) {
        idle();
      } else {
        flush(); // what gathered while this batch was written goes now: it has waited long enough
      }
    });
  }

  private void idle() {
    active.set(false);
    if (!queue.isEmpty() && active.compareAndSet(false, true)) {
      startRound();
    } else {
      completeDrainWaiters();
    }
  }

  private void completeDrainWaiters() {
    if (!active.get() && queue.isEmpty() && !drainWaiters.isEmpty()) {
      drainWaiters.forEach(Promise::tryComplete);
      drainWaiters.clear();
    }
  }

  /**
   * Appends the batch. A failure leaves the outcome unknown (the call may have committed before the
   * connection died): after a short pause the writer looks the batch's last record up, and only when it is
   * not there is the batch sent once more (so the pool has had time to notice a dead connection and hands
   * out another). A committed batch is never sent twice.
   */
  private Future<Long> writeBatch(List<Pending> batch) {
    Chained[] attempt = new Chained[1];
    return append(batch, 0, attempt).recover(e -> vertx.timer(RETRY_DELAY_MS)
        .compose(t -> pool.preparedQuery(AuditSql.ROW).execute(Tuple.of(attempt[0].lastSeq())))
        .recover(lookup -> Future.failedFuture(e))
        .compose(rows -> {
          if (rows.size() > 0 && Arrays.equals(rows.iterator().next().getBuffer("hash").getBytes(), attempt[0].lastHash())) {
            tail = new Tail(attempt[0].lastSeq(), attempt[0].lastHash());
            return Future.succeededFuture(attempt[0].lastSeq());
          }
          LOG.info("audit: retrying a batch of {} records that was not committed: {}", batch.size(), e.toString());
          return append(batch, 0, attempt);
        }));
  }

  /**
   * Chains the batch onto the tail this writer believes current and appends it in one call. When another
   * writer (another node) moved the tail meanwhile, nothing was inserted and the call returned the actual
   * tail: the batch is chained onto that and sent again. Completes with the batch's last seq.
   */
  private Future<Long> append(List<Pending> batch, int rechains, Chained[] attempt) {
    Chained previous = attempt[0];
    Chained chained = Chained.onto(tail, batch);
    attempt[0] = chained;
    return pool.preparedQuery(AuditSql.APPEND).execute(chained.params()).compose(rows -> {
      Row row = rows.iterator().next();
      Tail actual = new Tail(row.getLong("tail_seq"), row.getBuffer("tail_hash").getBytes());
      tail = actual;
      if (row.getBoolean("appended")
          // an earlier attempt whose answer was lost did commit, and nothing was appended after it
          || previous != null && Arrays.equals(actual.hash(), previous.lastHash())) {
        return Future.succeededFuture(actual.seq());
      }
      if (actual.seq() < lastWritten) {
        LOG.error("audit: the chain's tail is at seq {} but this node wrote up to {}: records were removed; "
            + "run audit verify", actual.seq(), lastWritten);
      }
      if (rechains >= MAX_RECHAINS) {
        return Future.failedFuture(new AuditUnavailableException(
            "the audit chain's tail moved " + MAX_RECHAINS + " times while this batch was being appended"));
      }
      return append(batch, rechains + 1, attempt);
    });
  }

  /** The tail of the chain as this writer last saw it committed. */
  private record Tail(long seq, byte[] hash) {

    static final Tail EMPTY = new Tail(0, ChainHash.GENESIS);
  }

  /** A batch chained onto a tail: the parameters of one {@link AuditSql#APPEND} call. */
  private record Chained(long lastSeq, byte[] lastHash, Tuple params) {

    static Chained onto(Tail tail, List<Pending> batch) {
      int n = batch.size();
      Long[] seqs = new Long[n];
      OffsetDateTime[] recorded = new OffsetDateTime[n];
      Buffer[] prevHashes = new Buffer[n];
      Buffer[] hashes = new Buffer[n];
      String[] entries = new String[n];
      String[] patients = new String[n];
      String[] agents = new String[n];
      long seq = tail.seq();
      byte[] prev = tail.hash();
      for (int i = 0; i < n; i++) {
        Pending pending = batch.get(i);
        seqs[i] = ++seq;
        entries[i] = ChainHash.entry(pending.event(), seq);
        byte[] hash = ChainHash.hash(prev, entries[i]);
        recorded[i] = pending.recorded();
        prevHashes[i] = Buffer.buffer(prev);
        hashes[i] = Buffer.buffer(hash);
        patients[i] = pending.patients();
        agents[i] = pending.agent();
        prev = hash;
      }
      Tuple params = Tuple.of(tail.seq(), Buffer.buffer(tail.hash()), seqs, recorded, prevHashes, hashes, entries,
          patients, agents);
      return new Chained(seq, prev, params);
    }
  }

  /** Completes each caller's future on the caller's own context, one task per context per batch. */
  private void settle(List<Pending> batch, AsyncResult<Long> result) {
    if (result.succeeded()) {
      lastWritten = Math.max(lastWritten, result.result());
      sinceCheckpoint += batch.size();
      if (sinceCheckpoint >= config.checkpointEveryRecords()) {
        sinceCheckpoint = 0;
        checkpoints.create();
      }
      long patientIds = 0;
      for (Pending pending : batch) {
        patientIds += pending.patientCount();
      }
      patientIndex.appended(patientIds);
    } else {
      LOG.warn("audit: a batch of {} records failed and none of them was acknowledged: {}", batch.size(),
          result.cause().toString());
    }
    Map<Context, List<Pending>> byCaller = new IdentityHashMap<>();
    for (Pending pending : batch) {
      if (pending.caller() == null || pending.caller() == writer) {
        complete(pending, result);
      } else {
        byCaller.computeIfAbsent(pending.caller(), c -> new ArrayList<>()).add(pending);
      }
    }
    byCaller.forEach((caller, pendings) -> caller.runOnContext(v -> pendings.forEach(p -> complete(p, result))));
  }

  private static void complete(Pending pending, AsyncResult<Long> result) {
    if (result.succeeded()) {
      pending.promise().complete();
    } else {
      pending.promise().fail(result.cause());
    }
  }
}
