package io.bastion.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.core.ContextBase;
import ch.qos.logback.core.encoder.EchoEncoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BufferedStdoutAppenderTest {

  /** Counts the writes that reach the descriptor, and refuses any after close. */
  private static final class Target extends OutputStream {

    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final AtomicInteger writes = new AtomicInteger();
    final AtomicBoolean closed = new AtomicBoolean();
    final List<String> chunks = new ArrayList<>();

    @Override
    public synchronized void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      if (closed.get()) {
        throw new IllegalStateException("written after close");
      }
      writes.incrementAndGet();
      bytes.write(b, off, len);
      chunks.add(new String(b, off, len, StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
      closed.set(true);
    }

    synchronized String text() {
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }

  private static BufferedStdoutAppender<String> appender(Target target, int bufferSize, long flushMillis) {
    BufferedStdoutAppender<String> appender = new BufferedStdoutAppender<>();
    appender.setContext(new ContextBase());
    appender.setName("test");
    appender.setEncoder(new EchoEncoder<>());
    appender.setBufferSize(bufferSize);
    appender.setFlushMillis(flushMillis);
    appender.setTarget(target);
    appender.start();
    assertTrue(appender.isStarted());
    return appender;
  }

  @Test
  void linesAreWrittenTogetherByTheFlusherNotOneCallEach() throws Exception {
    Target target = new Target();
    BufferedStdoutAppender<String> appender = appender(target, 64 * 1024, 200);
    for (int i = 0; i < 1000; i++) {
      appender.doAppend("line " + i);
    }
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!target.text().contains("line 999") && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(target.text().contains("line 999"), "the flusher writes the lines out");
    assertTrue(target.writes.get() <= 2, "1,000 lines (12 KB) in at most two writes, was " + target.writes.get());
    appender.stop();
  }

  @Test
  void aFullBufferIsWrittenInWholeLinesAndStopFlushesTheRestWithoutClosingTheDescriptor() {
    Target target = new Target();
    BufferedStdoutAppender<String> appender = appender(target, 1024, 60_000);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      String line = "event " + i + " " + "x".repeat(i % 37);
      lines.add(line);
      appender.doAppend(line);
    }
    assertTrue(target.writes.get() > 1, "a full buffer is written before the flush interval");
    appender.stop();
    assertFalse(target.closed.get(), "standard output stays open for the other appenders");
    for (String chunk : target.chunks) {
      assertTrue(chunk.endsWith(System.lineSeparator()) || chunk.endsWith("\n"), "every write ends a line");
    }
    List<String> written = target.text().lines().toList();
    assertEquals(lines, written, "every line once, in order, none cut");
  }

  @Test
  void aBrokenSettingIsReportedAndTheAppenderStaysStopped() {
    BufferedStdoutAppender<String> appender = new BufferedStdoutAppender<>();
    ContextBase context = new ContextBase();
    appender.setContext(context);
    appender.setEncoder(new EchoEncoder<>());
    appender.setFlushMillis(0);
    appender.start();
    assertFalse(appender.isStarted());
    assertTrue(context.getStatusManager().getCopyOfStatusList().stream()
        .anyMatch(s -> s.getMessage().contains("flushMillis")));
  }

  @Test
  void aFailedFlushIsReportedNotThrown() throws IOException {
    OutputStream failing = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        throw new IOException("disk gone");
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        throw new IOException("disk gone");
      }
    };
    BufferedStdoutAppender<String> appender = new BufferedStdoutAppender<>();
    ContextBase context = new ContextBase();
    appender.setContext(context);
    appender.setEncoder(new EchoEncoder<>());
    appender.setTarget(failing);
    appender.start();
    appender.doAppend("one");
    appender.flush();
    assertTrue(context.getStatusManager().getCopyOfStatusList().stream()
        .anyMatch(s -> s.getMessage().contains("could not flush")));
    appender.stop();
  }
}
