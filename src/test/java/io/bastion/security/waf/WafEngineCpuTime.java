package io.bastion.security.waf;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * The {@link WafEngineBenchmark} cases measured in thread CPU time per request instead of wall time: on a
 * machine shared with other builds, wall time mostly measures how long the thread waited for a core, while
 * CPU time stays close to the cost of the work (it is still inflated by contention for caches and cores).
 * Prints, per case, the median over the measured rounds. Not a test.
 * Run: {@code java -cp "target/test-classes:target/classes:$(cat target/jmh-classpath.txt)"
 * io.bastion.security.waf.WafEngineCpuTime crs-pl1 [rounds] [requests-per-round]} (bench/jmh.sh writes the
 * classpath file; builtin rules or {@code crs-fhir}, the CRS behind the FHIR exclusions, as in the benchmark).
 */
public final class WafEngineCpuTime {

  private WafEngineCpuTime() {
  }

  public static void main(String[] args) throws Exception {
    WafEngineBenchmark bench = new WafEngineBenchmark();
    bench.rules = args.length > 0 ? args[0] : "crs-pl1";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int perRound = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
    bench.setUp();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    String[] cases = {"benignGet", "benignPost2k", "sqliAttack", "fhirRead", "fhirReadNewId", "fhirReadTraced",
        "fhirCreate"};
    double[][] micros = new double[cases.length][rounds];
    for (int round = -2; round < rounds; round++) { // two unmeasured rounds warm the JIT up
      for (int c = 0; c < cases.length; c++) {
        long start = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < perRound; i++) {
          Transaction tx = switch (c) {
            case 0 -> bench.benignGet();
            case 1 -> bench.benignPost2k();
            case 2 -> bench.sqliAttack();
            case 3 -> bench.fhirRead();
            case 4 -> bench.fhirReadNewId();
            case 5 -> bench.fhirReadTraced();
            default -> bench.fhirCreate();
          };
          if (tx.interruption() == null && c == 2) {
            throw new IllegalStateException("the attack was not blocked");
          }
        }
        if (round >= 0) {
          micros[c][round] = (threads.getCurrentThreadCpuTime() - start) / 1000.0 / perRound;
        }
      }
    }
    for (int c = 0; c < cases.length; c++) {
      double[] m = micros[c].clone();
      Arrays.sort(m);
      System.out.printf("%s %-13s CPU us/request: median %.1f, min %.1f, max %.1f (%d rounds x %d)%n", bench.rules,
          cases[c], m[m.length / 2], m[0], m[m.length - 1], rounds, perRound);
    }
  }
}
