package io.bastion.audit;

import io.bastion.config.NodeConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.internal.VertxInternal;
import io.vertx.sqlclient.Pool;
import java.security.SecureRandom;
import java.time.Clock;

/**
 * The audit capability's shared objects, built once by the composition root: the trail the data plane
 * appends to, the checkpoints, and the verifier the verticle binds on the event bus.
 */
public final class Audit {

  private final AuditConfig config;
  private final AuditKeys keys;
  private final AuditCheckpoints checkpoints;
  private final PgAuditTrail trail;
  private final AuditVerifier verifier;

  private Audit(Vertx vertx, Pool pool, AuditConfig config, AuditKeys keys, String nodeId, Clock clock) {
    this.config = config;
    this.keys = keys;
    this.checkpoints = new AuditCheckpoints(pool, keys, nodeId, clock);
    // the writer gets an event-loop context of its own, whatever thread builds it (no public API does that)
    this.trail = new PgAuditTrail(vertx, ((VertxInternal) vertx).createEventLoopContext(), pool, config, checkpoints);
    this.verifier = new AuditVerifier(vertx, pool, keys, config);
  }

  /** Loads (or, at first start, creates) the signing key on a worker thread, then builds the trail. */
  public static Future<Audit> open(Vertx vertx, WorkerExecutor blocking, Pool pool, NodeConfig node, AuditConfig config,
      Clock clock) {
    return blocking.executeBlocking(() -> AuditKeys.loadOrCreate(node.dataDir(), new SecureRandom()), false)
        .map(keys -> new Audit(vertx, pool, config, keys, node.id(), clock));
  }

  public AuditTrail trail() {
    return trail;
  }

  public AuditVerifier verifier() {
    return verifier;
  }

  public AuditCheckpoints checkpoints() {
    return checkpoints;
  }

  public AuditConfig config() {
    return config;
  }

  public AuditKeys keys() {
    return keys;
  }
}
