package io.bastion.security.waf;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The load driver's read ({@link WafEngineBenchmark#fhirReadNewId}: Patient and Observation alternated, new ids, the
 * driver's four headers as new strings per request, phases 1 and 2 called apart as the gateway does) in thread CPU
 * time per read, in rounds that alternate "hot" (reads back to back, as every loop benchmark runs them) and "cold"
 * (48 MB, one word per cache line read and written, between two reads, outside the timed part: the rule set's lines
 * leave the 2 MB L2 and the TLBs, and much of the L3 this VM shares). In the node a read's engine cost
 * lies between the two: the node's other work between two reads evicts much of the ~29 MB compiled rule set, so the
 * cold figure is the one a change to the rule walk's memory shows up in; the hot loop cannot show it. Not a test.
 * Run: {@code java -cp "target/test-classes:target/classes:$(cat target/jmh-classpath.txt)"
 * io.bastion.security.waf.WafEngineColdCache crs-fhir [rounds] [reads-per-round] [evict-MB]}.
 */
public final class WafEngineColdCache {

  private WafEngineColdCache() {
  }

  public static void main(String[] args) throws Exception {
    String rules = args.length > 0 ? args[0] : "crs-fhir";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
    int perRound = args.length > 2 ? Integer.parseInt(args[2]) : 400;
    int evictMb = args.length > 3 ? Integer.parseInt(args[3]) : 48;
    WafEngine engine = new WafEngine(WafEngineBenchmark.load(rules));
    java.util.Random random = new java.util.Random(7);
    String[] uris = new String[1024];
    for (int i = 0; i < uris.length; i++) {
      uris[i] = (i % 2 == 0 ? "/fhir/Patient/" : "/fhir/Observation/")
          + new java.util.UUID(random.nextLong(), random.nextLong());
    }
    long[] evict = new long[evictMb * 1024 * 1024 / 8];
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    int next = 0;
    for (int i = 0; i < 20_000; i++) { // the JIT's warm-up
      read(engine, request(uris[next++ & 1023]));
    }
    double[][] hot = new double[rounds][];
    double[][] cold = new double[rounds][];
    for (int round = 0; round < rounds; round++) {
      for (int mode = 0; mode < 2; mode++) {
        double[] micros = new double[perRound];
        for (int i = 0; i < perRound; i++) {
          if (mode == 1) {
            sink += touch(evict);
          }
          WafRequest request = request(uris[next++ & 1023]);
          long start = threads.getCurrentThreadCpuTime();
          read(engine, request);
          micros[i] = (threads.getCurrentThreadCpuTime() - start) / 1000.0;
        }
        Arrays.sort(micros);
        (mode == 0 ? hot : cold)[round] = micros;
      }
    }
    for (int round = 0; round < rounds; round++) {
      System.out.printf("%s round %d: hot median %.1f us (p90 %.1f), cold median %.1f us (p90 %.1f)%n", rules, round,
          hot[round][perRound / 2], hot[round][perRound * 9 / 10], cold[round][perRound / 2],
          cold[round][perRound * 9 / 10]);
    }
    System.out.printf("%s overall: hot %.1f us, cold %.1f us (medians of the round medians, %d x %d reads)%n", rules,
        medianOfMedians(hot), medianOfMedians(cold), rounds, perRound);
  }

  static volatile long sink;

  /** Reads and writes a word per cache line of {@code evict}: the rule set's lines leave the caches near the core. */
  private static long touch(long[] evict) {
    long sum = 0;
    for (int i = 0; i < evict.length; i += 8) {
      sum += evict[i]++;
    }
    return sum;
  }

  private static double medianOfMedians(double[][] rounds) {
    double[] m = new double[rounds.length];
    for (int r = 0; r < rounds.length; r++) {
      m[r] = rounds[r][rounds[r].length / 2];
    }
    Arrays.sort(m);
    return m[m.length / 2];
  }

  private static final List<WafRequest.Header> DRIVER_HEADERS = WafEngineBenchmark.loadDriverHeaders();

  /** The driver's read as the node gets it: its headers as new strings (the node parses them per request). */
  private static WafRequest request(String uri) {
    List<WafRequest.Header> headers = new ArrayList<>(4);
    for (WafRequest.Header h : DRIVER_HEADERS) {
      headers.add(new WafRequest.Header(new String(h.name()), new String(h.value())));
    }
    return new WafRequest("GET", new String(uri), "HTTP/1.1", headers, null, "127.0.0.1");
  }

  /** One read as the gateway runs it: phase 1, then phase 2 (no body). */
  private static Transaction read(WafEngine engine, WafRequest request) {
    Transaction tx = engine.newTransaction(request);
    tx.setEngineMode(EngineMode.ON);
    tx.processRequestHeaders();
    tx.processRequestBody();
    return tx;
  }
}
