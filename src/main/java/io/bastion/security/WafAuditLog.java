package io.bastion.security;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log of blocked transactions (waf.audit-log): one JSON object per line ({@link WafAuditEntry}),
 * appended by one writer thread of its own. The gateway only offers a line to a bounded queue, so an event
 * loop never waits on the disk; when the queue is full (the disk cannot keep up with an attack) the line is
 * dropped and counted ({@code bastion.waf.audit.dropped}) rather than slowing the data plane.
 */
public final class WafAuditLog implements AutoCloseable {

  static final int QUEUE_CAPACITY = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(WafAuditLog.class);
  private static final String STOP = "";

  private final Path file;
  private final BlockingQueue<String> queue;
  private final BufferedWriter out;
  private final Counter written;
  private final Counter dropped;
  private final Thread writer;

  private WafAuditLog(Path file, BufferedWriter out, int capacity, MeterRegistry registry) {
    this.file = file;
    this.out = out;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.written = Counter.builder("bastion.waf.audit.written").description("Blocked transactions written to waf.audit-log")
        .register(registry);
    this.dropped = Counter.builder("bastion.waf.audit.dropped")
        .description("Blocked transactions not written to waf.audit-log because its queue was full").register(registry);
    this.writer = new Thread(this::drain, "bastion-waf-audit-log");
    this.writer.setDaemon(true);
  }

  /** Opens (appends to, creating it and its folder) the file and starts the writer. Blocking: call on a worker. */
  public static WafAuditLog open(Path file, MeterRegistry registry) throws IOException {
    return open(file, QUEUE_CAPACITY, registry);
  }

  static WafAuditLog open(Path file, int capacity, MeterRegistry registry) throws IOException {
    WafAuditLog log = openIdle(file, capacity, registry);
    log.writer.start();
    return log;
  }

  /** Opened, writer not started yet (tests fill the queue first). */
  static WafAuditLog openIdle(Path file, int capacity, MeterRegistry registry) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    return new WafAuditLog(file, out, capacity, registry);
  }

  void startWriter() {
    writer.start();
  }

  /** Queues one entry; never blocks. False (and counted) when the queue is full. */
  public boolean offer(JsonObject entry) {
    if (queue.offer(entry.encode())) {
      return true;
    }
    dropped.increment();
    return false;
  }

  public Path file() {
    return file;
  }

  public long droppedCount() {
    return (long) dropped.count();
  }

  private void drain() {
    List<String> batch = new ArrayList<>();
    try {
      while (true) {
        String first = queue.take();
        batch.add(first);
        queue.drainTo(batch, 1_000);
        boolean stop = false;
        for (String line : batch) {
          if (line == STOP) { // identity: only close() enqueues this instance
            stop = true;
            continue;
          }
          out.write(line);
          out.write('\n');
          written.increment();
        }
        batch.clear();
        out.flush(); // flushed per batch: a crash loses at most what was still queued
        if (stop) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      LOG.error("waf.audit-log {}: writing failed ({}); blocked transactions are no longer logged", file,
          e.getClass().getSimpleName());
    } finally {
      try {
        out.close();
      } catch (IOException e) {
        LOG.warn("waf.audit-log {}: close failed ({})", file, e.getClass().getSimpleName());
      }
    }
  }

  /** Writes what is queued, then closes the file (waits up to 5 s). Blocking. */
  @Override
  public void close() {
    try {
      if (!queue.offer(STOP, 5, TimeUnit.SECONDS)) {
        LOG.warn("waf.audit-log {}: writer stalled, closing without the queued entries", file);
      }
      writer.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
