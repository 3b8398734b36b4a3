package io.bastion.monitoring;

/** Event-bus addresses of the monitoring capability. */
public final class MonitoringAddresses {

  /**
   * Published every monitoring.snapshot-interval-ms. Body:
   * {@code {ts, node, requestsPerSecond, latencyMs:{p50,p95,p99}, errorRate, eventLoopUtilisation,
   * heapUsedBytes, totalRequests, postgres:{status, source, output}, redis:{status, mode, output}}}.
   */
  public static final String SNAPSHOT = "bastion.metrics.snapshot";
  /** Request/reply: body {} - reply {@code {snapshots:[...]}}, oldest first. */
  public static final String HISTORY = "bastion.metrics.history";
  /** Alerts (observability issue). Not published yet. */
  public static final String ALERT_FIRED = "bastion.alert.fired";
  public static final String ALERT_RESOLVED = "bastion.alert.resolved";

  private MonitoringAddresses() {
  }
}
