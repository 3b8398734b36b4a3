package io.bastion.monitoring;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;

/**
 * Share of wall-clock time the Vert.x event-loop threads spent on the CPU since the previous sample,
 * from 0 (idle) to 1 (saturated). CPU time per thread is what the JVM can tell without instrumenting
 * the loops themselves; a blocked (sleeping) loop shows as idle here and is caught by the blocked-thread
 * checker instead.
 */
final class EventLoopUtilisation {

  private static final String PREFIX = "vert.x-eventloop-thread-";
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private Map<Long, Long> lastCpu = new HashMap<>();
  private long lastWall = System.nanoTime();

  double sample() {
    long now = System.nanoTime();
    Map<Long, Long> cpu = new HashMap<>();
    long busy = 0;
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds(), 0)) {
      if (info == null || !info.getThreadName().startsWith(PREFIX)) {
        continue;
      }
      long time = threads.getThreadCpuTime(info.getThreadId());
      if (time < 0) {
        continue;
      }
      cpu.put(info.getThreadId(), time);
      Long before = lastCpu.get(info.getThreadId());
      if (before != null) {
        busy += time - before;
      }
    }
    long wall = now - lastWall;
    int loops = Math.max(1, cpu.size());
    lastCpu = cpu;
    lastWall = now;
    return wall <= 0 ? 0 : Math.min(1.0, busy / (double) (wall * loops));
  }
}
