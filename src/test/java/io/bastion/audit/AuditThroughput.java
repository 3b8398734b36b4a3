package io.bastion.audit;

import io.bastion.Node;
import io.bastion.testsupport.TestNode;
import io.bastion.testsupport.TestStores;
import io.vertx.core.Context;
import io.vertx.core.internal.VertxInternal;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * Not a test: the measurement behind bench/audit-throughput/run.sh. A real node on a fresh database;
 * {@code contexts} event loops each keep {@code window} appends in flight (a closed loop, as gateway
 * instances with that many concurrent audited requests would); after a warm-up, counts acknowledged
 * (committed) appends and their latency. Arguments: contexts window warmupSeconds measureSeconds.
 */
public final class AuditThroughput {

  private AuditThroughput() {
  }

  public static void main(String[] args) throws Exception {
    int contexts = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    int window = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    int measure = args.length > 3 ? Integer.parseInt(args[3]) : 15;
    Node node = Node.start(TestNode.config(Map.of("postgres.url", TestStores.newDatabase(), "log.access-log", "false")))
        .toCompletionStage().toCompletableFuture().get();
    AtomicLong acknowledged = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicBoolean running = new AtomicBoolean(true);
    ConcurrentHistogram latency = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(30), 3);
    for (int c = 0; c < contexts; c++) {
      Context context = ((VertxInternal) node.vertx()).createEventLoopContext();
      int base = c;
      context.runOnContext(v -> {
        for (int i = 0; i < window; i++) {
          loop(node, base + "-" + i, acknowledged, failed, running, latency);
        }
      });
    }
    Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
    latency.reset();
    long before = acknowledged.get();
    long start = System.nanoTime();
    Thread.sleep(TimeUnit.SECONDS.toMillis(measure));
    long count = acknowledged.get() - before;
    double seconds = (System.nanoTime() - start) / 1e9;
    running.set(false);
    System.out.printf("audit append throughput: %.0f events/s (%d in %.1f s; %d contexts x %d in flight), "
            + "latency p50 %.1f ms, p99 %.1f ms, max %.1f ms, failed %d%n", count / seconds, count, seconds, contexts,
        window, latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(99) / 1000.0,
        latency.getMaxValue() / 1000.0, failed.get());
    Thread.sleep(1000);
    node.stop().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    System.exit(0);
  }

  private static void loop(Node node, String id, AtomicLong acknowledged, AtomicLong failed, AtomicBoolean running,
      ConcurrentHistogram latency) {
    if (!running.get()) {
      return;
    }
    long began = System.nanoTime();
    node.auditTrail().append(AuditFixtures.read("p" + (began % 97), "bench-" + id)).onComplete(done -> {
      if (done.succeeded()) {
        acknowledged.incrementAndGet();
        latency.recordValue(Math.min(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - began), latency.getHighestTrackableValue()));
      } else {
        failed.incrementAndGet();
      }
      loop(node, id, acknowledged, failed, running, latency);
    });
  }
}
