package io.bastion;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * Hands a future's result back on the context that asked for it. A future completed on a worker, or on another event
 * loop (a JWKS fetch started by another gateway instance, a WAF body inspection, an audit batch's commit), would
 * otherwise run the request's next handlers on that thread; state a request keeps belongs to its own loop.
 */
public final class CallerContext {

  private CallerContext() {
  }

  /**
   * The same result, delivered on the calling thread's context: at once when it is already complete or arrives there,
   * else by one task on that context. Called off any context, the future itself.
   */
  public static <T> Future<T> onCallerContext(Future<T> future) {
    Context caller = Vertx.currentContext();
    if (caller == null || future.isComplete()) {
      return future;
    }
    Promise<T> promise = Promise.promise();
    future.onComplete(result -> {
      if (Vertx.currentContext() == caller) {
        promise.handle(result);
      } else {
        caller.runOnContext(v -> promise.handle(result));
      }
    });
    return promise.future();
  }
}
