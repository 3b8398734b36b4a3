package io.bastion.fhir.validation;

import io.bastion.fhir.FhirJson;
import io.bastion.fhir.FhirLimits;
import io.bastion.fhir.seed.SyntheticPatients;
import io.bastion.fhir.store.ResourceStore.NewResource;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
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

/**
 * Cost of validating one resource against the R4 model, as the write path does after parsing: a seeded
 * Patient (identifiers, name, telecom, address) and an Observation with 20 components (LOINC codes, UCUM
 * quantities, reference range). Parsed as a request body is, so numbers have request types.
 * Run: bench/jmh.sh StructureValidatorBenchmark. On a machine shared with other builds, wall time per op is
 * mostly waiting for a core; {@link #main} prints the thread's CPU time per op instead (run it with the
 * classpath bench/jmh.sh leaves in target/jmh-classpath.txt).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class StructureValidatorBenchmark {

  private StructureValidator validator;
  private JsonObject patient;
  private JsonObject observation;

  @Setup(Level.Trial)
  public void setUp() {
    validator = new StructureValidator(StructureModel.r4(), ResourceTypes.r4());
    FhirJson json = new FhirJson(FhirLimits.withBodyLimit(1 << 20));
    List<NewResource> seeded = new SyntheticPatients(7).patient(0);
    patient = json.parseObject(seeded.get(0).resource().encode().getBytes(StandardCharsets.UTF_8));
    observation = json.parseObject(observation20().encode().getBytes(StandardCharsets.UTF_8));
    if (!validator.validate("Patient", patient, false).isEmpty()
        || !validator.validate("Observation", observation, false).isEmpty()) {
      throw new IllegalStateException("the benchmark resources must be valid");
    }
  }

  static JsonObject observation20() {
    JsonArray components = new JsonArray();
    for (int i = 0; i < 20; i++) {
      components.add(new JsonObject()
          .put("code", new JsonObject().put("coding", new JsonArray().add(new JsonObject()
              .put("system", "http://loinc.org").put("code", (2000 + i) + "-" + (i % 10)).put("display", "Analyte " + i)))
              .put("text", "Analyte " + i))
          .put("valueQuantity", new JsonObject().put("value", 4.5 + i / 10.0).put("unit", "mmol/L")
              .put("system", "http://unitsofmeasure.org").put("code", "mmol/L"))
          .put("interpretation", new JsonArray().add(new JsonObject().put("coding", new JsonArray().add(new JsonObject()
              .put("system", "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation").put("code", "N")))))
          .put("referenceRange", new JsonArray().add(new JsonObject()
              .put("low", new JsonObject().put("value", 3.5).put("unit", "mmol/L"))
              .put("high", new JsonObject().put("value", 6.1).put("unit", "mmol/L")))));
    }
    return new JsonObject().put("resourceType", "Observation").put("status", "final")
        .put("category", new JsonArray().add(new JsonObject().put("coding", new JsonArray().add(new JsonObject()
            .put("system", "http://terminology.hl7.org/CodeSystem/observation-category").put("code", "laboratory")))))
        .put("code", new JsonObject().put("coding", new JsonArray().add(new JsonObject()
            .put("system", "http://loinc.org").put("code", "24323-8").put("display", "Comprehensive metabolic panel"))))
        .put("subject", new JsonObject().put("reference", "Patient/c757873d-ec9a-4326-a141-556f43239520"))
        .put("encounter", new JsonObject().put("reference", "Encounter/e1"))
        .put("effectiveDateTime", "2025-11-03T09:30:00+01:00").put("issued", "2025-11-03T12:00:00Z")
        .put("component", components);
  }

  /** CPU time per validation, measured on this thread after a warm-up: robust against other processes. */
  public static void main(String[] args) {
    StructureValidatorBenchmark bench = new StructureValidatorBenchmark();
    bench.setUp();
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    for (int round = 1; round <= 8; round++) {
      long start = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < 20_000; i++) {
        bench.patient();
      }
      long middle = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < 2_000; i++) {
        bench.observationWith20Components();
      }
      long end = threads.getCurrentThreadCpuTime();
      System.out.printf("round %d: patient %.2f µs CPU/op, observation with 20 components %.2f µs CPU/op%n", round,
          (middle - start) / 20_000 / 1e3, (end - middle) / 2_000 / 1e3);
    }
  }

  @Benchmark
  public List<JsonObject> patient() {
    return validator.validate("Patient", patient, false);
  }

  @Benchmark
  public List<JsonObject> observationWith20Components() {
    return validator.validate("Observation", observation, false);
  }
}
