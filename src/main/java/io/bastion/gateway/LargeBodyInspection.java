package io.bastion.gateway;

import io.bastion.CallerContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

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
  /**
   * Bytes of large bodies waiting or being inspected at once; past it the request is answered 503. Bounds the wait
   * rather than a count: the CRS takes up to ~2 s a MiB on one worker, and a body still queued when the connection's
   * idle timeout (30 s) passes would be inspected for nobody.
   */
  static final long MAX_WAITING_BYTES = 8L << 20;
  /** Half the cores: while large bodies are inspected, the event loops keep the rest. */
  private static final int WORKERS = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
  static final String POOL = "bastion-waf-bodies";

  private final WorkerExecutor workers;
  private final AtomicLong waitingBytes = new AtomicLong();

  LargeBodyInspection(Vertx vertx) {
    this.workers = vertx.createSharedWorkerExecutor(POOL, WORKERS);
  }

  /**
   * Runs {@code inspection} of a body of {@code bytes} on a worker; the future completes on the caller's context (its
   * event loop). Null when it would take the bodies waiting or running past {@link #MAX_WAITING_BYTES} (one body is
   * always taken when none waits).
   */
  <T> Future<T> inspect(int bytes, Callable<T> inspection) {
    long before = waitingBytes.getAndAdd(bytes);
    if (before > 0 && before + bytes > MAX_WAITING_BYTES) {
      waitingBytes.addAndGet(-bytes);
      return null;
    }
    return CallerContext.onCallerContext(workers.executeBlocking(inspection, false)
        .onComplete(done -> waitingBytes.addAndGet(-bytes)));
  }
}
