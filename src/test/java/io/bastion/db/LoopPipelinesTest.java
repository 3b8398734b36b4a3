package io.bastion.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.testsupport.TestNode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One pipelined connection per event-loop thread: which client answers where, pipelined answers, reconnection. */
class LoopPipelinesTest {

  private static TestNode node;
  private static LoopPipelines pipelines;

  @BeforeAll
  static void start() {
    node = TestNode.startWithout(Map.of());
    pipelines = new LoopPipelines(node.node().vertx(), new PgConnectOptions(node.node().postgres().options()),
        node.node().pool(), 8); // more than the node's event-loop threads: every loop gets one
  }

  @AfterAll
  static void stop() {
    await(pipelines.close());
    node.close();
  }

  @Test
  void offTheEventLoopTheSharedPoolAnswers() {
    assertSame(node.node().pool(), pipelines.client());
  }

  @Test
  void eachEventLoopThreadKeepsItsOwnPipeline() {
    Context first = node.node().vertx().getOrCreateContext();
    Context second = contextOnAnotherThreadThan(first);
    SqlClient a = on(first, pipelines::client);
    assertSame(a, on(first, pipelines::client), "the same thread gets the same pipeline again");
    assertNotSame(node.node().pool(), a);
    SqlClient b = on(second, pipelines::client);
    assertNotSame(a, b, "another loop gets another pipeline");
    assertNotEquals(backendPid(first), backendPid(second), "one connection per loop");
  }

  /** Hundreds of statements in flight on one connection: each gets its own answer, all from one backend. */
  @Test
  void pipelinedStatementsGetTheirOwnAnswers() {
    Context loop = node.node().vertx().getOrCreateContext();
    List<Future<String>> answers = on(loop, () -> {
      List<Future<String>> sent = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        sent.add(pipelines.client().preparedQuery("SELECT $1::text AS v, pg_backend_pid() AS pid")
            .execute(Tuple.of("value-" + i))
            .map(rows -> rows.iterator().next().getString("v") + "@" + rows.iterator().next().getInteger("pid")));
      }
      return sent;
    });
    Set<String> pids = new HashSet<>();
    for (int i = 0; i < answers.size(); i++) {
      String[] answer = await(answers.get(i)).split("@");
      assertEquals("value-" + i, answer[0]);
      pids.add(answer[1]);
    }
    assertEquals(1, pids.size(), "all on the loop's one connection: " + pids);
  }

  /** The database drops the pipeline's connection: statements fail, then the pipeline reconnects by itself. */
  @Test
  void aDroppedConnectionIsReplaced() throws Exception {
    Context loop = node.node().vertx().getOrCreateContext();
    int before = backendPid(loop);
    await(node.node().pool().preparedQuery("SELECT pg_terminate_backend($1)").execute(Tuple.of(before)));
    Integer after = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (after == null && System.nanoTime() < deadline) {
      try {
        after = backendPid(loop);
      } catch (Exception e) { // Vert.x rethrows the connection's IOException as it is
        Thread.sleep(50); // the statement that met the dead connection failed; the next one reconnects
      }
    }
    assertTrue(after != null, "the pipeline answers again");
    assertNotEquals(before, after);
  }

  private static int backendPid(Context loop) {
    return await(on(loop, () -> pipelines.client().query("SELECT pg_backend_pid() AS pid").execute()
        .map(rows -> rows.iterator().next().getInteger("pid"))));
  }

  /** Verticle instances get the event loops round robin: deploy until one lands on another thread. */
  private static Context contextOnAnotherThreadThan(Context context) {
    Thread thread = on(context, Thread::currentThread);
    for (int tries = 0; tries < 16; tries++) {
      Promise<Context> started = Promise.promise();
      await(node.node().vertx().deployVerticle(new VerticleBase() {
        @Override
        public Future<?> start() {
          started.complete(context);
          return Future.succeededFuture();
        }
      }));
      Context other = await(started.future());
      if (on(other, Thread::currentThread) != thread) {
        return other;
      }
    }
    throw new IllegalStateException("the node has one event loop");
  }

  private static <T> T on(Context context, Callable<T> work) {
    Promise<T> result = Promise.promise();
    context.runOnContext(v -> {
      try {
        result.complete(work.call());
      } catch (Exception e) {
        result.fail(e);
      }
    });
    return await(result.future());
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.await(20, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no answer in 20 s", e);
    }
  }
}
