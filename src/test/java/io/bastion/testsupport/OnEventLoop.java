package io.bastion.testsupport;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Issues Vert.x HTTP client calls from one event-loop context, for code that runs on a thread outside Vert.x (a
 * test, a benchmark's main thread). Vert.x 5.0.7's HttpClient, called from such a thread, now and then never
 * completes a request on a kept-alive connection that its event loop is recycling at that moment: about 1 in
 * 1,500 sequential requests in a reproducer, none in 90,000 issued from an event loop (docs/benchmarks.md, "A
 * request left unanswered: the client's, not the node's").
 */
public final class OnEventLoop {

  private final Context context;

  /** Called outside Vert.x, this takes a new event-loop context of {@code vertx}; on a Vert.x thread, its own. */
  public OnEventLoop(Vertx vertx) {
    this.context = vertx.getOrCreateContext();
  }

  /** Runs {@code call} on the context; the future completes with its outcome (or with what it threw). */
  public <T> Future<T> call(Supplier<Future<T>> call) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> {
      try {
        call.get().onComplete(promise);
      } catch (RuntimeException e) {
        promise.fail(e);
      }
    });
    return promise.future();
  }

  /** {@link #call} and wait for it, failing with a message that names the wait rather than hanging. */
  public <T> T await(Supplier<Future<T>> call, long seconds) {
    try {
      return call(call).await(seconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("no answer within " + seconds + " s", e);
    }
  }
}
