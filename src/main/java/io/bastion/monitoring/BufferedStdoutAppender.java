package io.bastion.monitoring;

import ch.qos.logback.core.OutputStreamAppender;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A logback appender for high-volume lines (the access log): events go into a buffer on standard output
 * that a daemon thread flushes every {@code flushMillis}, and whenever it fills, instead of one write
 * system call per line as logback's {@code ConsoleAppender} makes. At 25,000 requests/s that call was
 * ~5 µs of event-loop CPU per request. A line reaches standard output at most {@code flushMillis} later;
 * a process killed with SIGKILL loses at most that much. Every flush writes whole lines, so lines of other
 * appenders on the same descriptor are never cut into. Stopping the appender (`serve` stops logback once the
 * node has stopped) flushes what is left and leaves standard output open.
 */
public final class BufferedStdoutAppender<E> extends OutputStreamAppender<E> {

  private int bufferSize = 64 * 1024;
  private long flushMillis = 200;
  private OutputStream target = new FileOutputStream(FileDescriptor.out);
  private ScheduledExecutorService flusher;

  public void setBufferSize(int bufferSize) {
    this.bufferSize = bufferSize;
  }

  public void setFlushMillis(long flushMillis) {
    this.flushMillis = flushMillis;
  }

  /** Where the lines go; standard output unless a test gives another stream. */
  void setTarget(OutputStream target) {
    this.target = target;
  }

  @Override
  public void start() {
    if (bufferSize <= 0 || flushMillis <= 0) {
      addError("bufferSize and flushMillis must be positive");
      return;
    }
    setImmediateFlush(false);
    setOutputStream(new BufferedOutputStream(new KeptOpen(target), bufferSize));
    super.start();
    if (!isStarted()) {
      return;
    }
    flusher = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "bastion-log-flush-" + getName());
      thread.setDaemon(true);
      return thread;
    });
    flusher.scheduleWithFixedDelay(this::flush, flushMillis, flushMillis, TimeUnit.MILLISECONDS);
  }

  /** Writes out what is buffered; the same lock as the appends, so never in the middle of a line. */
  void flush() {
    streamWriteLock.lock();
    try {
      getOutputStream().flush();
    } catch (IOException e) {
      addError("could not flush buffered log lines", e);
    } finally {
      streamWriteLock.unlock();
    }
  }

  @Override
  public void stop() {
    if (flusher != null) {
      flusher.shutdownNow();
    }
    super.stop(); // closes the buffered stream: flushes it, and KeptOpen keeps the descriptor open
  }

  /** Closing flushes only: the descriptor belongs to the process, and other appenders write to it. */
  private static final class KeptOpen extends FilterOutputStream {

    KeptOpen(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      out.write(bytes, offset, length); // FilterOutputStream would write byte by byte
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }
}
