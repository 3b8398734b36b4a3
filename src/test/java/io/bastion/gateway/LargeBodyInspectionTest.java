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
      inspection.inspect(() -> Thread.currentThread().getName())
          .onComplete(done -> threads.complete(new String[] {caller, done.result(), Thread.currentThread().getName()}));
    });
    String[] seen = threads.get(10, TimeUnit.SECONDS);
    assertTrue(seen[0].startsWith("vert.x-eventloop-thread"), seen[0]);
    assertTrue(seen[1].startsWith(LargeBodyInspection.POOL), "inspected on " + seen[1]);
    assertEquals(seen[0], seen[2], "the verdict continues on the loop that asked");
  }

  @Test
  void refusesPastTheBoundOfWaitingBodiesAndTakesThemAgainOnceDone() throws Exception {
    LargeBodyInspection inspection = new LargeBodyInspection(vertx);
    CountDownLatch release = new CountDownLatch(1);
    List<Future<Integer>> running = new ArrayList<>();
    for (int i = 0; i < LargeBodyInspection.MAX_WAITING; i++) {
      int n = i;
      Future<Integer> f = inspection.inspect(() -> {
        release.await(10, TimeUnit.SECONDS);
        return n;
      });
      assertNotNull(f, "inspection " + i + " is taken");
      running.add(f);
    }
    assertNull(inspection.inspect(() -> -1), "one more than the bound is refused");
    release.countDown();
    Future.all(running).await(10, TimeUnit.SECONDS);
    assertEquals(7, inspection.inspect(() -> 7).await(10, TimeUnit.SECONDS));
  }
}
