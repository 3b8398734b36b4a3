package io.bastion.bench;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.RequestOptions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * A closed loop at fixed concurrency: {@code concurrency} workers, each with exactly one request outstanding,
 * sending the next as soon as the previous answer has been read in full. Requests that complete during the
 * warm-up are not counted; the measured window starts after it and lasts {@code seconds}. Each worker issues its
 * requests from an event-loop context of its own, never from the calling thread (see OnEventLoop in
 * io.bastion.testsupport: Vert.x 5.0.7's client, called from outside Vert.x, now and then loses a request); with
 * several driver event loops the workers' callbacks run on different threads, so the tallies are locked.
 */
final class LoadRun {

  private final Vertx vertx;
  private final HttpClient client;
  private final RequestOptions base;
  private final Supplier<LoadRequest> requests;
  private final Histogram latency = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
  private final Map<String, Long> errors = new HashMap<>();
  private long measureFrom;
  private long measureUntil;
  private int running;
  private final Promise<Void> done = Promise.promise();

  LoadRun(Vertx vertx, HttpClient client, RequestOptions base, Supplier<LoadRequest> requests) {
    this.vertx = vertx;
    this.client = client;
    this.base = base;
    this.requests = requests;
  }

  /** Runs the loop; the result's clock covers only the measured window. */
  Future<LoadResult> run(String scenario, int concurrency, int warmupSeconds, int seconds) {
    long now = System.nanoTime();
    measureFrom = now + TimeUnit.SECONDS.toNanos(warmupSeconds);
    measureUntil = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
    running = concurrency;
    for (int i = 0; i < concurrency; i++) {
      // called outside Vert.x, getOrCreateContext gives a new context each time, spread over the event loops
      vertx.getOrCreateContext().runOnContext(v -> next());
    }
    return done.future().map(v -> new LoadResult(scenario, concurrency, seconds, latency, errors));
  }

  private void next() {
    if (System.nanoTime() >= measureUntil) {
      synchronized (this) {
        if (--running == 0) {
          done.complete();
        }
      }
      return;
    }
    LoadRequest request = requests.get();
    RequestOptions options = new RequestOptions(base).setMethod(request.method())
        .setURI(base.getURI() + request.path());
    long started = System.nanoTime();
    client.request(options)
        .compose(req -> request.body() == null ? req.send() : req.send(request.body()))
        .compose(response -> response.body().map(body -> response.statusCode()))
        .onComplete(answered -> {
          long finished = System.nanoTime();
          if (started >= measureFrom && finished <= measureUntil) {
            record(answered, (finished - started) / 1000);
          }
          if (answered.succeeded()) {
            next();
          } else {
            // a refused connection can fail at once: go through the event loop rather than recurse
            vertx.runOnContext(v -> next());
          }
        });
  }

  private synchronized void record(AsyncResult<Integer> answered, long micros) {
    if (answered.succeeded() && answered.result() < 400) {
      latency.recordValue(Math.min(latency.getHighestTrackableValue(), micros));
    } else {
      String key = answered.succeeded() ? Integer.toString(answered.result()) : answered.cause().getClass().getSimpleName();
      errors.merge(key, 1L, Long::sum);
    }
  }

}
