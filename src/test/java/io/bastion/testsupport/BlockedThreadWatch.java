package io.bastion.testsupport;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Collects Vert.x blocked-thread warnings so {@link TestNode#close()} can fail the test that caused one. */
public final class BlockedThreadWatch extends AppenderBase<ILoggingEvent> {

  private static final List<String> WARNINGS = new CopyOnWriteArrayList<>();

  @Override
  protected void append(ILoggingEvent event) {
    WARNINGS.add(event.getFormattedMessage());
  }

  public static List<String> drain() {
    List<String> copy = List.copyOf(WARNINGS);
    WARNINGS.clear();
    return copy;
  }
}
