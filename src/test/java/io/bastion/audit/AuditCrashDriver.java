package io.bastion.audit;

import io.bastion.Node;
import io.bastion.testsupport.TestNode;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;

/**
 * Not a test: the process {@link AuditCrashTest} kills with SIGKILL. Starts a real node (the same
 * composition root as {@code bastion serve}) on the database and data dir it is given, appends without
 * end with 64 appends in flight, and prints {@code ACK <request id>} for each acknowledged append. A line
 * is printed only after its append completed, so every id the test reads was acknowledged.
 */
public final class AuditCrashDriver {

  private AuditCrashDriver() {
  }

  public static void main(String[] args) throws Exception {
    Node node = Node.start(TestNode.config(Map.of("postgres.url", args[0], "node.data-dir", args[1])))
        .toCompletionStage().toCompletableFuture().get();
    PrintStream out = System.out;
    BlockingQueue<String> acknowledged = new LinkedBlockingQueue<>();
    Thread printer = new Thread(() -> {
      try {
        while (true) {
          out.println("ACK " + acknowledged.take());
          out.flush();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "ack-printer");
    printer.start();
    out.println("READY");
    out.flush();
    Semaphore inFlight = new Semaphore(64);
    for (long i = 0; ; i++) {
      inFlight.acquire();
      String id = "crash-" + i;
      node.auditTrail().append(AuditFixtures.read("p" + (i % 13), id)).onComplete(done -> {
        inFlight.release();
        if (done.succeeded()) {
          acknowledged.add(id);
        }
      });
    }
  }
}
