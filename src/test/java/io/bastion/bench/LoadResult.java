package io.bastion.bench;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/** What one measured scenario gave: successes with their latency histogram (µs), failures by status or error. */
record LoadResult(String scenario, int concurrency, double seconds, Histogram latencyMicros, Map<String, Long> errors) {

  static final String HEADER = String.format(Locale.ROOT, "%-20s %5s %10s %10s %9s %9s %9s  %s",
      "scenario", "conc", "requests", "req/s", "p50 ms", "p99 ms", "max ms", "errors (status: count)");

  long ok() {
    return latencyMicros.getTotalCount();
  }

  double perSecond() {
    return ok() / seconds;
  }

  String row() {
    return String.format(Locale.ROOT, "%-20s %5d %10d %10.1f %9.2f %9.2f %9.2f  %s", scenario, concurrency, ok(),
        perSecond(), millis(latencyMicros.getValueAtPercentile(50)), millis(latencyMicros.getValueAtPercentile(99)),
        millis(latencyMicros.getMaxValue()), errors.isEmpty() ? "none" : new TreeMap<>(errors).toString());
  }

  private static double millis(long micros) {
    return micros / 1000.0;
  }
}
