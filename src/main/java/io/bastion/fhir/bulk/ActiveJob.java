package io.bastion.fhir.bulk;

import java.util.concurrent.atomic.AtomicReference;

/** A job running on this node: how far it got (for X-Progress) and whether it must stop, and why. */
final class ActiveJob {

  /** Why a job stops early. */
  enum Stop {
    /** DELETE on its status URL: the job and its files go. */
    CANCELLED,
    /** The node is stopping: the job is marked failed. */
    NODE_STOPPING
  }

  private final AtomicReference<Stop> stop = new AtomicReference<>();
  private volatile String progress = "queued";

  void stop(Stop why) {
    stop.compareAndSet(null, why);
  }

  Stop stopped() {
    return stop.get();
  }

  String progress() {
    return progress;
  }

  void progress(String text) {
    progress = text;
  }
}
