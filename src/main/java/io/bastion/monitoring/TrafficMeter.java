package io.bastion.monitoring;

import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Counts requests, server errors and latency as the gateway finishes each response. Shared by every
 * gateway instance: recording is lock-free (LongAdder, HdrHistogram Recorder); the monitoring verticle
 * drains one interval at a time, so percentiles describe the last interval, not all time.
 */
public final class TrafficMeter {

  private final LongAdder requests = new LongAdder();
  private final LongAdder serverErrors = new LongAdder();
  private final LongAdder totalRequests = new LongAdder();
  private final Recorder latencyMicros = new Recorder(3);
  private Histogram recycled;

  public void record(int status, long durationNanos) {
    requests.increment();
    totalRequests.increment();
    if (status >= 500) {
      serverErrors.increment();
    }
    latencyMicros.recordValue(Math.max(0, durationNanos / 1000));
  }

  /** Takes what was recorded since the previous call. Call from one thread only (the monitoring verticle). */
  public Interval drain() {
    long count = requests.sumThenReset();
    long errors = serverErrors.sumThenReset();
    recycled = latencyMicros.getIntervalHistogram(recycled);
    return new Interval(count, errors, recycled);
  }

  public long totalRequests() {
    return totalRequests.sum();
  }

  /** One interval's traffic; the histogram is reused by the next drain. */
  public record Interval(long requests, long serverErrors, Histogram latencyMicros) {

    public double percentileMillis(double percentile) {
      return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
    }
  }
}
