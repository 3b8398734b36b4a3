package io.bastion.bench;

import io.bastion.testsupport.OnEventLoop;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Ids and search values taken from the data a node holds, so that reads hit and searches match: Patients
 * (id, family, birth date) from searches on random birth months (spread over the whole set, not the first
 * rows written), falling back to the first page of Patients; then each sampled patient's Observations (id,
 * LOINC code, effective date). Waits on the calling thread, which must not be an event loop; the requests go out
 * from an event-loop context of the sample's own.
 */
final class LoadSample {

  private static final long SAMPLE_TIMEOUT_S = 30;

  record PatientFacts(String id, String family, String birthDate) {
  }

  record ObservationFacts(String id, String patientId, String code, String date) {
  }

  final List<PatientFacts> patients = new ArrayList<>();
  final List<ObservationFacts> observations = new ArrayList<>();

  private final HttpClient client;
  private final RequestOptions base;
  private final OnEventLoop loop;

  LoadSample(Vertx vertx, HttpClient client, RequestOptions base) {
    this.client = client;
    this.base = base;
    this.loop = new OnEventLoop(vertx);
  }

  /** Samples about {@code size} patients and the observations of up to 200 of them. */
  LoadSample take(int size, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (int attempt = 0; attempt < 60 && patients.size() < size; attempt++) {
      String month = String.format(Locale.ROOT, "%04d-%02d", random.nextInt(1936, 2026), random.nextInt(1, 13));
      addPatients(get("/Patient?birthdate=" + month + "&_count=100"));
    }
    if (patients.size() < size) {
      addPatients(get("/Patient?_count=" + Math.min(1000, size)));
    }
    if (patients.isEmpty()) {
      throw new IllegalStateException("the node holds no Patient with a family name and a birth date: seed it first");
    }
    for (PatientFacts p : patients.subList(0, Math.min(200, patients.size()))) {
      addObservations(p.id(), get("/Observation?subject=Patient/" + p.id() + "&_count=50"));
    }
    return this;
  }

  private void addPatients(JsonObject bundle) {
    for (JsonObject resource : resources(bundle)) {
      JsonArray names = resource.getJsonArray("name");
      String family = names == null || names.isEmpty() ? null : names.getJsonObject(0).getString("family");
      String birthDate = resource.getString("birthDate");
      if (family != null && birthDate != null) {
        patients.add(new PatientFacts(resource.getString("id"), family, birthDate));
      }
    }
  }

  private void addObservations(String patientId, JsonObject bundle) {
    for (JsonObject resource : resources(bundle)) {
      JsonArray codings = resource.getJsonObject("code", new JsonObject()).getJsonArray("coding");
      String when = resource.getString("effectiveDateTime");
      if (codings != null && !codings.isEmpty() && when != null && when.length() >= 10
          && "http://loinc.org".equals(codings.getJsonObject(0).getString("system"))) {
        observations.add(new ObservationFacts(resource.getString("id"), patientId,
            codings.getJsonObject(0).getString("code"), when.substring(0, 10)));
      }
    }
  }

  private static List<JsonObject> resources(JsonObject bundle) {
    List<JsonObject> out = new ArrayList<>();
    JsonArray entries = bundle.getJsonArray("entry");
    if (entries != null) {
      for (Object e : entries) {
        JsonObject entry = (JsonObject) e;
        JsonObject search = entry.getJsonObject("search");
        if (search == null || "match".equals(search.getString("mode"))) {
          out.add(entry.getJsonObject("resource"));
        }
      }
    }
    return out;
  }

  /**
   * GET below the FHIR base, the answer as JSON; anything but 200 is an error that names the status, and so is no
   * answer within {@link #SAMPLE_TIMEOUT_S} s. Sent from the sample's event loop, not from this thread (see
   * {@link OnEventLoop}: before, about one start in six lost a sampling request this way).
   */
  JsonObject get(String path) {
    try {
      return loop.await(() -> getOnce(path), SAMPLE_TIMEOUT_S);
    } catch (IllegalStateException e) {
      throw new IllegalStateException("GET " + path + ": " + e.getMessage(), e);
    }
  }

  private Future<JsonObject> getOnce(String path) {
    RequestOptions options = new RequestOptions(base).setMethod(HttpMethod.GET).setURI(base.getURI() + path);
    return client.request(options).compose(req -> req.send()).compose(response -> response.body().map(body -> {
      if (response.statusCode() != 200) {
        throw new IllegalStateException("GET " + path + " answered " + response.statusCode() + ": "
            + body.toString().substring(0, Math.min(300, body.length())));
      }
      return body.toJsonObject();
    }));
  }
}
