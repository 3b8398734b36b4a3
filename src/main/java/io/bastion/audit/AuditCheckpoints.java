package io.bastion.audit;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Signs and stores checkpoints over the committed tail of the chain, and lists them. */
public final class AuditCheckpoints {

  private static final Logger LOG = LoggerFactory.getLogger(AuditCheckpoints.class);

  private final Pool pool;
  private final AuditKeys keys;
  private final String node;
  private final Clock clock;
  /** The hash this node signed last: a checkpoint is made only when the tail differs from it. */
  private final AtomicReference<byte[]> lastSigned = new AtomicReference<>(new byte[0]);

  public AuditCheckpoints(Pool pool, AuditKeys keys, String node, Clock clock) {
    this.pool = pool;
    this.keys = keys;
    this.node = node;
    this.clock = clock;
  }

  /**
   * Signs the committed tail if it changed since this node's last checkpoint; completes with null otherwise.
   * The tail is read from PostgreSQL, never taken from memory, so the checkpoint vouches for what is stored.
   */
  public Future<AuditCheckpoint> create() {
    return pool.query(AuditSql.TAIL).execute().compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(null);
      }
      Row tail = rows.iterator().next();
      long seq = tail.getLong("seq");
      byte[] hash = tail.getBuffer("hash").getBytes();
      if (Arrays.equals(hash, lastSigned.get())) {
        return Future.succeededFuture(null);
      }
      Instant signedAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
      byte[] signature = keys.sign(AuditCheckpoint.payload(seq, hash, node, signedAt));
      byte[] publicKey = keys.publicKey();
      return pool.preparedQuery(AuditSql.INSERT_CHECKPOINT)
          .execute(Tuple.of(seq, Buffer.buffer(hash), node, signedAt.atOffset(ZoneOffset.UTC), Buffer.buffer(publicKey),
              Buffer.buffer(signature)))
          .map(inserted -> {
            lastSigned.set(hash);
            return new AuditCheckpoint(inserted.iterator().next().getLong("id"), seq, hash, node, signedAt, publicKey,
                signature);
          });
    }).onFailure(e -> LOG.warn("audit: checkpoint failed, the next one will cover these records: {}", e.toString()));
  }

  /** The newest checkpoints, newest first. */
  public Future<List<AuditCheckpoint>> recent(int limit) {
    return pool.preparedQuery(AuditSql.RECENT_CHECKPOINTS).execute(Tuple.of(limit)).map(rows -> {
      List<AuditCheckpoint> list = new ArrayList<>();
      rows.forEach(row -> list.add(of(row)));
      return list;
    });
  }

  static AuditCheckpoint of(Row row) {
    return new AuditCheckpoint(row.getLong("id"), row.getLong("seq"), row.getBuffer("hash").getBytes(),
        row.getString("node"), row.getOffsetDateTime("signed_at").toInstant(), row.getBuffer("public_key").getBytes(),
        row.getBuffer("signature").getBytes());
  }
}
