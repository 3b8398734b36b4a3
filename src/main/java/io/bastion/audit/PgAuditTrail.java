package io.bastion.audit;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
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
 * queue; one writer, confined to its own Vert.x context, takes up to {@code maxBatch} of them at a time and
 * writes each batch as one transaction (advisory lock, tail read, one multi-row INSERT; see {@link AuditSql}).
 * While a batch is in flight the next one gathers, so throughput grows with load while every caller still
 * waits for its own commit. Canonical JSON is built on the caller's thread, hashing on the writer's.
 */
public final class PgAuditTrail implements AuditTrail {

  private static final Logger LOG = LoggerFactory.getLogger(PgAuditTrail.class);
  private static final long RETRY_DELAY_MS = 50;

  private final Vertx vertx;
  private final Context writer;
  private final Pool pool;
  private final AuditConfig config;
  private final AuditCheckpoints checkpoints;
  private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  /** True from the moment a round is scheduled until the writer finds the queue empty. */
  private final AtomicBoolean active = new AtomicBoolean();
  private volatile boolean closed;

  // confined to the writer context
  private long lastWritten;
  private long sinceCheckpoint;
  private final List<Promise<Void>> drainWaiters = new ArrayList<>();

  /** @param writer the context the writer is confined to: an event-loop context of its own */
  public PgAuditTrail(Vertx vertx, Context writer, Pool pool, AuditConfig config, AuditCheckpoints checkpoints) {
    this.vertx = vertx;
    this.writer = writer;
    this.pool = pool;
    this.config = config;
    this.checkpoints = checkpoints;
  }

  private record Pending(String event, OffsetDateTime recorded, String patients, String agent, Context caller,
      Promise<Void> promise) {
  }

  @Override
  public Future<Void> append(AuditRecord record) {
    if (closed) {
      return Future.failedFuture(new AuditUnavailableException("the audit trail is closed"));
    }
    String event = CanonicalJson.encode(record.toAuditEvent());
    if (queued.incrementAndGet() > config.maxQueued()) {
      queued.decrementAndGet();
      return Future.failedFuture(new AuditUnavailableException(
          "the audit writer is " + config.maxQueued() + " records behind: PostgreSQL is unavailable or too slow"));
    }
    Promise<Void> promise = Promise.promise();
    queue.add(new Pending(event, record.recorded().atOffset(ZoneOffset.UTC), String.join(" ", record.patientIds()),
        record.requestorId(), Vertx.currentContext(), promise));
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
    writeBatch(batch, true).onComplete(result -> {
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
   * Writes the batch in one transaction. A failure before the INSERT was sent (typically a pooled connection
   * that died while idle) is retried once on another connection: nothing of this batch can have been
   * committed then. After the INSERT was sent, a failure is final; retrying could write the batch twice.
   */
  private Future<Long> writeBatch(List<Pending> batch, boolean mayRetry) {
    AtomicBoolean insertSent = new AtomicBoolean();
    return pool.withTransaction(conn -> write(conn, batch, insertSent)).recover(e -> {
      if (mayRetry && !insertSent.get()) {
        LOG.info("audit: retrying a batch of {} records that failed before it was sent: {}", batch.size(), e.toString());
        // after a short pause, so the pool has noticed the dead connection and hands out another
        return vertx.timer(RETRY_DELAY_MS).compose(t -> writeBatch(batch, false));
      }
      return Future.failedFuture(e);
    });
  }

  /** One transaction: lock, read the tail, chain the batch onto it, insert. Completes with the last seq. */
  private Future<Long> write(SqlConnection conn, List<Pending> batch, AtomicBoolean insertSent) {
    return conn.preparedQuery(AuditSql.LOCK).execute(Tuple.of(AuditSql.LOCK_KEY))
        .compose(locked -> conn.query(AuditSql.TAIL).execute())
        .compose(tail -> {
          long seq = 0;
          byte[] prev = ChainHash.GENESIS;
          if (tail.size() > 0) {
            Row row = tail.iterator().next();
            seq = row.getLong("seq");
            prev = row.getBuffer("hash").getBytes();
          }
          if (seq < lastWritten) {
            LOG.error("audit: the chain's tail is at seq {} but this node wrote up to {}: records were removed; "
                + "run audit verify", seq, lastWritten);
          }
          int n = batch.size();
          Long[] seqs = new Long[n];
          OffsetDateTime[] recorded = new OffsetDateTime[n];
          Buffer[] prevHashes = new Buffer[n];
          Buffer[] hashes = new Buffer[n];
          String[] entries = new String[n];
          String[] patients = new String[n];
          String[] agents = new String[n];
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
          long last = seq;
          insertSent.set(true);
          return conn.preparedQuery(AuditSql.INSERT)
              .execute(Tuple.of(seqs, recorded, prevHashes, hashes, entries, patients, agents))
              .map(inserted -> last);
        });
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
