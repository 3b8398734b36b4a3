package io.bastion.bench;

import io.bastion.bench.LoadSample.ObservationFacts;
import io.bastion.bench.LoadSample.PatientFacts;
import io.bastion.fhir.seed.SyntheticPatients;
import io.bastion.fhir.store.ResourceStore.NewResource;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The benchmark's request mixes, by name. Reads and searches draw their values from the {@link LoadSample};
 * writes send synthetic patients ({@link SyntheticPatients}) prepared up front, so building a request costs
 * the driver next to nothing while it measures.
 */
final class LoadScenarios {

  static final List<String> NAMES = List.of("read", "search-patient", "search-observation", "create", "transaction");
  static final int TRANSACTION_ENTRIES = 20;

  private LoadScenarios() {
  }

  static Supplier<LoadRequest> named(String name, LoadSample sample, long seed) {
    return switch (name) {
      case "read" -> read(sample);
      case "search-patient" -> searchPatients(sample.patients);
      case "search-observation" -> searchObservations(sample.observations);
      case "create" -> create(seed);
      case "transaction" -> transaction(seed);
      default -> throw new IllegalArgumentException("unknown scenario " + name + "; known: " + NAMES);
    };
  }

  /** GET Patient/{id} or Observation/{id}, ids drawn at random from the sample. */
  private static Supplier<LoadRequest> read(LoadSample sample) {
    List<String> paths = new ArrayList<>();
    sample.patients.forEach(p -> paths.add("/Patient/" + p.id()));
    sample.observations.forEach(o -> paths.add("/Observation/" + o.id()));
    return () -> LoadRequest.get(pick(paths));
  }

  /** Patient?family=F&birthdate=geD with F and D from one sampled patient: that patient always matches. */
  private static Supplier<LoadRequest> searchPatients(List<PatientFacts> patients) {
    List<String> paths = patients.stream()
        .map(p -> "/Patient?family=" + encode(p.family()) + "&birthdate=ge" + p.birthDate()).toList();
    return () -> LoadRequest.get(pick(paths));
  }

  /** Observation?subject=Patient/X&code=http://loinc.org|C&date=geD from one sampled observation: it matches. */
  private static Supplier<LoadRequest> searchObservations(List<ObservationFacts> observations) {
    if (observations.isEmpty()) {
      throw new IllegalStateException("no Observation with a LOINC code and effectiveDateTime found for the sampled patients");
    }
    List<String> paths = observations.stream().map(o -> "/Observation?subject=Patient/" + o.patientId() + "&code="
        + encode("http://loinc.org|" + o.code()) + "&date=ge" + o.date()).toList();
    return () -> LoadRequest.get(pick(paths));
  }

  /** POST Patient with one of 500 synthetic patients (the server assigns the id). */
  private static Supplier<LoadRequest> create(long seed) {
    SyntheticPatients generator = new SyntheticPatients(seed);
    List<Buffer> bodies = new ArrayList<>();
    for (int n = 0; n < 500; n++) {
      bodies.add(generator.patient(n).get(0).resource().toBuffer());
    }
    return () -> LoadRequest.post("/Patient", pick(bodies));
  }

  /**
   * POST a transaction Bundle of {@link #TRANSACTION_ENTRIES} creates: a synthetic patient's resources (and the
   * next patient's when one has fewer), each with a {@code urn:uuid} fullUrl that the others refer to.
   */
  private static Supplier<LoadRequest> transaction(long seed) {
    SyntheticPatients generator = new SyntheticPatients(seed + 1);
    List<Buffer> bodies = new ArrayList<>();
    int n = 0;
    for (int b = 0; b < 100; b++) {
      List<NewResource> resources = new ArrayList<>();
      while (resources.size() < TRANSACTION_ENTRIES) {
        resources.addAll(generator.patient(n++));
      }
      bodies.add(bundle(resources.subList(0, TRANSACTION_ENTRIES)));
    }
    return () -> LoadRequest.post("", pick(bodies));
  }

  private static Buffer bundle(List<NewResource> resources) {
    JsonArray entries = new JsonArray();
    for (NewResource r : resources) {
      entries.add(new JsonObject().put("fullUrl", "urn:uuid:" + r.id()).put("resource", r.resource())
          .put("request", new JsonObject().put("method", "POST").put("url", r.type())));
    }
    String json = new JsonObject().put("resourceType", "Bundle").put("type", "transaction").put("entry", entries).encode();
    // ids are UUIDs, so replacing the quoted literal reference is exact; references to resources left out of
    // the bundle (a cut patient) stay literal
    for (NewResource r : resources) {
      json = json.replace("\"" + r.type() + "/" + r.id() + "\"", "\"urn:uuid:" + r.id() + "\"");
    }
    return Buffer.buffer(json);
  }

  private static <T> T pick(List<T> from) {
    return from.get(ThreadLocalRandom.current().nextInt(from.size()));
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** Query paths of a scenario, for the pre-check that searches match. */
  static Map<String, String> description() {
    return Map.of("read", "GET Patient/{id} | Observation/{id} (sampled ids)",
        "search-patient", "GET Patient?family=F&birthdate=geD (F, D of a sampled patient)",
        "search-observation", "GET Observation?subject=Patient/X&code=http://loinc.org|C&date=geD (a sampled observation)",
        "create", "POST Patient (synthetic)",
        "transaction", "POST transaction Bundle, " + TRANSACTION_ENTRIES + " creates with urn:uuid references");
  }
}
