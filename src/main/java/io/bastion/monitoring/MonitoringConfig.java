package io.bastion.monitoring;

import io.bastion.config.ConfigReader;

/** Cadence and depth of the metrics snapshots behind the dashboard and `ctl status`. */
public record MonitoringConfig(int snapshotIntervalMs, int historySize) {

  public static MonitoringConfig read(ConfigReader r) {
    return new MonitoringConfig(
        r.integer("monitoring.snapshot-interval-ms", 100, 60_000),
        r.integer("monitoring.history-size", 10, 100_000));
  }
}
