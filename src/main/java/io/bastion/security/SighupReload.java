package io.bastion.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGHUP → reload the WAF rules, as nginx and ModSecurity operators expect. Uses the JDK's
 * {@code sun.misc.Signal} (module jdk.unsupported, available on every JDK 17); where the signal cannot be
 * handled (Windows, or a JVM started with -Xrs) the node says so and reloading stays available over ctl.
 */
final class SighupReload {

  private static final Logger LOG = LoggerFactory.getLogger(SighupReload.class);
  private static final Signal HUP = hup();

  private final SignalHandler previous;

  private SighupReload(SignalHandler previous) {
    this.previous = previous;
  }

  /** Installs the handler (it runs on the JVM's signal thread: hand the work to an event loop). Null if unsupported. */
  static SighupReload install(Runnable onSignal) {
    if (HUP == null) {
      return null;
    }
    try {
      return new SighupReload(Signal.handle(HUP, signal -> onSignal.run()));
    } catch (IllegalArgumentException | IllegalStateException e) {
      LOG.info("SIGHUP cannot be handled here ({}): reload the WAF rules with bastion ctl waf reload", e.getMessage());
      return null;
    }
  }

  void restore() {
    try {
      Signal.handle(HUP, previous);
    } catch (IllegalArgumentException | IllegalStateException e) {
      LOG.debug("SIGHUP handler not restored: {}", e.getMessage());
    }
  }

  private static Signal hup() {
    try {
      return new Signal("HUP");
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
