package io.bastion.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LargeBodyInspectionTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void runsOnAWorkerAndAnswersOnTheCallersEventLoop() throws Exception {
    LargeBodyInspection inspection = new LargeBodyInspection(vertx);
    CompletableFuture<String[]> threads = new CompletableFuture<>();
    vertx.runOnContext(v -> {
      String caller = Thread.currentThread().getName();
      inspection.inspect(100_000, () -> Thread.currentThread().getName())
          .onComplete(done -> threads.complete(new String[] {caller, done.result(), Thread.currentThread().getName()}));
    });
    String[] seen = threads.get(10, TimeUnit.SECONDS);
    assertTrue(seen[0].startsWith("vert.x-eventloop-thread"), seen[0]);
    assertTrue(seen[1].startsWith(LargeBodyInspection.POOL), "inspected on " + seen[1]);
    assertEquals(seen[0], seen[2], "the verdict continues on the loop that asked");
  }

  @Test
  void refusesPastTheBytesWaitingAndTakesBodiesAgainOnceDone() throws Exception {
    LargeBodyInspection inspection = new LargeBodyInspection(vertx);
    CountDownLatch release = new CountDownLatch(1);
    List<Future<Integer>> running = new ArrayList<>();
    int body = 1 << 20;
    for (long waiting = 0; waiting + body <= LargeBodyInspection.MAX_WAITING_BYTES; waiting += body) {
      int n = running.size();
      Future<Integer> f = inspection.inspect(body, () -> {
        release.await(10, TimeUnit.SECONDS);
        return n;
      });
      assertNotNull(f, "body " + n + " is taken");
      running.add(f);
    }
    assertEquals(8, running.size());
    assertNull(inspection.inspect(body, () -> -1), "one more MiB than the bound is refused");
    release.countDown();
    Future.all(running).await(10, TimeUnit.SECONDS);
    assertEquals(7, inspection.inspect(body, () -> 7).await(10, TimeUnit.SECONDS));
    assertEquals(9, inspection.inspect(64 << 20, () -> 9).await(10, TimeUnit.SECONDS),
        "a body larger than the bound is still taken when none waits");
  }
}
