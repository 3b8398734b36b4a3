package io.bastion.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which blocked-thread warnings fail a test: real blocking does, an idle selector and first class loading do not. */
class BlockedThreadWatchTest {

  private final BlockedThreadWatch watch = new BlockedThreadWatch();

  @BeforeEach
  void start() {
    watch.setContext(new LoggerContext());
    watch.start();
    BlockedThreadWatch.drain();
  }

  @Test
  void aSleepingLoopIsReported() {
    warn(frame("java.lang.Thread", "sleep"), frame("io.bastion.fhir.FhirRoutes", "read"));
    assertEquals(1, BlockedThreadWatch.drain().size());
  }

  @Test
  void anIdleSelectorIsNot() {
    warn(frame("sun.nio.ch.EPoll", "wait"), frame("io.netty.channel.epoll.EpollEventLoop", "run"));
    assertEquals(List.of(), BlockedThreadWatch.drain());
  }

  @Test
  void loadingAClassIsNot() {
    warn(frame("java.lang.ClassLoader", "defineClass1"), frame("java.lang.ClassLoader", "defineClass"),
        frame("jdk.internal.loader.BuiltinClassLoader", "loadClass"), frame("java.lang.ClassLoader", "loadClass"),
        frame("io.netty.channel.ChannelOutboundBuffer", "addMessage"));
    assertEquals(List.of(), BlockedThreadWatch.drain());
  }

  @Test
  void classLoadingBelowTheLoopsOwnCodeIsReported() {
    // the innermost frames are Bastion's (a file read), so the class loader further down is not what is running
    warn(frame("java.io.FileInputStream", "readBytes"), frame("io.bastion.SomeCode", "readFile"),
        frame("java.lang.ClassLoader", "loadClass"));
    assertEquals(1, BlockedThreadWatch.drain().size());
  }

  private void warn(StackTraceElement... stack) {
    Exception where = new Exception("Thread blocked");
    where.setStackTrace(stack);
    LoggingEvent event = new LoggingEvent("test", new LoggerContext().getLogger("io.vertx.core.impl.BlockedThreadChecker"),
        Level.WARN, "Thread vert.x-eventloop-thread-0 has been blocked for 566 ms", where, null);
    watch.doAppend(event);
  }

  private static StackTraceElement frame(String cls, String method) {
    return new StackTraceElement(cls, method, null, -1);
  }
}
