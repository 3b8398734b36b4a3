package io.bastion.testsupport;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Collects Vert.x blocked-thread warnings so {@link TestNode#close()} can fail the test that caused one. */
public final class BlockedThreadWatch extends AppenderBase<ILoggingEvent> {

  private static final List<String> WARNINGS = new CopyOnWriteArrayList<>();

  @Override
  protected void append(ILoggingEvent event) {
    StringBuilder warning = new StringBuilder(event.getFormattedMessage());
    if (event.getThrowableProxy() != null) {
      var frames = event.getThrowableProxy().getStackTraceElementProxyArray();
      if (frames.length > 0 && waitingForEvents(frames[0].getStackTraceElement())) {
        // the loop was idle in its selector when the stack was taken: its last task ran long only because the
        // machine did not schedule the thread (seen at load average 8-12), not because anything blocked it
        return;
      }
      if (loadingClass(frames) || initialisingClass(frames)) {
        // the loop was loading a class for the first time (zip reads, defineClass: 500+ ms seen at nice 19 under
        // load average 7), or running a class's static initialiser (Netty's buffer allocator, 952 ms at load
        // average 7): a one-time JVM cost, not work that blocks the loop on every request
        return;
      }
      for (int i = 0; i < Math.min(25, frames.length); i++) {
        warning.append("\n    at ").append(frames[i].getStackTraceElement());
      }
    }
    WARNINGS.add(warning.toString());
  }

  private static boolean waitingForEvents(StackTraceElement top) {
    return top.getClassName().startsWith("sun.nio.ch.") && top.getMethodName().equals("wait");
  }

  /** Whether the JDK frames on top of the stack, before the first caller outside the JDK, are loading a class. */
  private static boolean loadingClass(StackTraceElementProxy[] frames) {
    for (var frame : frames) {
      StackTraceElement e = frame.getStackTraceElement();
      String cls = e.getClassName();
      if (!(cls.startsWith("java.") || cls.startsWith("jdk.") || cls.startsWith("sun."))) {
        return false;
      }
      if (cls.equals("java.lang.ClassLoader") && (e.getMethodName().startsWith("loadClass")
          || e.getMethodName().startsWith("defineClass"))) {
        return true;
      }
    }
    return false;
  }

  /** Whether the thread is inside a static initialiser: it runs once per class, whatever called it. */
  private static boolean initialisingClass(StackTraceElementProxy[] frames) {
    for (var frame : frames) {
      if (frame.getStackTraceElement().getMethodName().equals("<clinit>")) {
        return true;
      }
    }
    return false;
  }

  public static List<String> drain() {
    List<String> copy = List.copyOf(WARNINGS);
    WARNINGS.clear();
    return copy;
  }
}
