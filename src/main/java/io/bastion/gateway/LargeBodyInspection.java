package io.bastion.gateway;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The workers that inspect large request bodies for the WAF, shared by every gateway instance of the node. Bodies
 * up to {@link #INLINE_BYTES} (every single-resource create or update Bastion has seen: a Patient with narrative is
 * 2-8 KB) stay on the event loop, where a thread hop would cost more than the inspection; larger ones (Bundles,
 * up to waf.request-body-limit) take milliseconds to parse and match, which must not hold an event loop and every
 * request queued behind it.
 */
final class LargeBodyInspection {

  /** Bodies larger than this are inspected on a worker. */
  static final int INLINE_BYTES = 16 * 1024;
  /** Large bodies waiting or being inspected at once; past it the request is answered 503 (bounds memory too). */
  static final int MAX_WAITING = 32;
  /** Half the cores: while large bodies are inspected, the event loops keep the rest. */
  private static final int WORKERS = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
  static final String POOL = "bastion-waf-bodies";

  private final WorkerExecutor workers;
  private final AtomicInteger waiting = new AtomicInteger();

  LargeBodyInspection(Vertx vertx) {
    this.workers = vertx.createSharedWorkerExecutor(POOL, WORKERS);
  }

  /**
   * Runs {@code inspection} on a worker; the future completes on the caller's context (its event loop). Null when
   * {@link #MAX_WAITING} inspections are already waiting or running.
   */
  <T> Future<T> inspect(Callable<T> inspection) {
    if (waiting.incrementAndGet() > MAX_WAITING) {
      waiting.decrementAndGet();
      return null;
    }
    Context caller = Vertx.currentContext();
    Promise<T> answered = Promise.promise();
    workers.executeBlocking(inspection, false).onComplete(done -> {
      waiting.decrementAndGet();
      if (caller == null) {
        answered.handle(done);
      } else {
        caller.runOnContext(v -> answered.handle(done));
      }
    });
    return answered.future();
  }
}
