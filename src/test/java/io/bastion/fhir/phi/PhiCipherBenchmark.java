package io.bastion.fhir.phi;

import io.bastion.fhir.seed.SyntheticPatients;
import io.bastion.fhir.store.ResourceStore.NewResource;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Cost of revealing stored resources, as a search page does: 20 seeded Patients (identifiers, telecom, address
 * lines and birth date sealed under the default elements), each revealed from its stored JSON text.
 * Run: bench/jmh.sh PhiCipherBenchmark. {@link #main} prints the thread's CPU time per page instead (robust on
 * a shared machine; classpath as bench/jmh.sh leaves it in target/jmh-classpath.txt).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PhiCipherBenchmark {

  private PhiCipher cipher;
  private final List<String[]> page = new ArrayList<>(); // type, id, stored text

  @Setup(Level.Trial)
  public void setUp() {
    byte[] dataKey = new byte[32];
    Arrays.fill(dataKey, (byte) 3);
    byte[] blindKey = new byte[32];
    Arrays.fill(blindKey, (byte) 5);
    cipher = new PhiCipher(PhiKeyRing.of("k20261206", dataKey, blindKey),
        List.of("identifier.value", "telecom.value", "address.line", "birthDate"), new SecureRandom());
    SyntheticPatients seed = new SyntheticPatients(11);
    for (int n = 0; n < 20; n++) {
      NewResource patient = seed.patient(n).get(0);
      String id = patient.resource().getString("id");
      page.add(new String[] {"Patient", id, cipher.concealText("Patient", id, patient.resource())});
    }
  }

  @Benchmark
  public void revealPage(Blackhole sink) {
    for (String[] stored : page) {
      sink.consume(cipher.reveal(stored[0], stored[1], stored[2]));
    }
  }

  /** Sealed values per page, for reading the figure per value. */
  int sealedValues() {
    int count = 0;
    for (String[] stored : page) {
      for (int at = stored[2].indexOf("\"phi:1:"); at >= 0; at = stored[2].indexOf("\"phi:1:", at + 1)) {
        count++;
      }
    }
    return count;
  }

  /** CPU time per page, measured on this thread after a warm-up. */
  public static void main(String[] args) {
    PhiCipherBenchmark bench = new PhiCipherBenchmark();
    bench.setUp();
    Blackhole sink = new Blackhole(
        "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    for (int round = 1; round <= 8; round++) {
      long start = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < 20_000; i++) {
        bench.revealPage(sink);
      }
      long end = threads.getCurrentThreadCpuTime();
      System.out.printf("round %d: %.2f µs CPU per page of 20 Patients (%d sealed values)%n", round,
          (end - start) / 20_000 / 1e3, bench.sealedValues());
    }
  }
}
