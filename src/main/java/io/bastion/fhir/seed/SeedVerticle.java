package io.bastion.fhir.seed;

import io.bastion.fhir.FhirAddresses;
import io.bastion.fhir.store.ResourceStore;
import io.bastion.fhir.store.ResourceStore.NewResource;
import io.bastion.fhir.store.StoreException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bastion ctl seed}: answers {@link FhirAddresses#SEED} {@code {patients, seed}} by writing that many
 * {@link SyntheticPatients} through the store's batch insert (resources, history and search index, one
 * statement per batch of {@link #PATIENTS_PER_BATCH} patients, about {@link #BATCH} resources), and replies {@code {patients, seed, resources,
 * millis}} when everything is committed. Generation and indexing run on worker threads; while one batch is
 * written the next one is built. Progress is published on {@link FhirAddresses#SEED_PROGRESS} and logged.
 * One seed at a time: a second request while one runs fails 409.
 */
public final class SeedVerticle extends VerticleBase {

  static final int BATCH = 500;
  /** Patients per batch: about {@link #BATCH} resources at some 17 resources a patient. */
  static final int PATIENTS_PER_BATCH = 30;
  public static final int MAX_PATIENTS = 1_000_000;
  static final int BAD_REQUEST = 400;
  static final int BUSY = 409;
  static final int FAILED = 500;
  private static final long PROGRESS_EVERY_MS = 2000;
  private static final Logger LOG = LoggerFactory.getLogger(SeedVerticle.class);

  private final ResourceStore store;
  private MessageConsumer<JsonObject> consumer;
  private boolean running;

  public SeedVerticle(ResourceStore store) {
    this.store = store;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().consumer(FhirAddresses.SEED, this::seed);
    return consumer.completion();
  }

  private void seed(Message<JsonObject> message) {
    JsonObject body = message.body() == null ? new JsonObject() : message.body();
    Object patientsValue = body.getValue("patients");
    Object seedValue = body.getValue("seed", 1L);
    if (!(patientsValue instanceof Number patients) || patients.longValue() < 1 || patients.longValue() > MAX_PATIENTS
        || !(seedValue instanceof Number seed)) {
      message.fail(BAD_REQUEST, "patients must be a number from 1 to " + MAX_PATIENTS + ", seed a number");
      return;
    }
    if (running) {
      message.fail(BUSY, "a seed is already running on this node");
      return;
    }
    running = true;
    int count = patients.intValue();
    long seedNumber = seed.longValue();
    LOG.info("seed: writing {} synthetic patients (seed {})", count, seedNumber);
    new Run(count, seedNumber).start().onComplete(done -> {
      running = false;
      if (done.succeeded()) {
        LOG.info("seed: {} patients, {} resources in {} ms", count, done.result().getLong("resources"),
            done.result().getLong("millis"));
        message.reply(done.result());
      } else {
        LOG.error("seed: failed: {}", done.cause().toString());
        boolean exists = done.cause() instanceof StoreException e && e.reason() == StoreException.Reason.CONFLICT;
        message.fail(exists ? BUSY : FAILED, exists
            ? "seed " + seedNumber + " has been written to this database already (ids derive from the seed): choose another --seed"
            : "seed failed: " + done.cause().getMessage());
      }
    });
  }

  /** One seed: batches of whole patients, built on a worker, written one after another. */
  private final class Run {
    private final int patients;
    private final long seed;
    private final SyntheticPatients generator;
    private final long started = System.nanoTime();
    private final Promise<JsonObject> result = Promise.promise();
    private int nextPatient;
    private long resources;
    private long lastProgress = System.nanoTime();

    Run(int patients, long seed) {
      this.patients = patients;
      this.seed = seed;
      this.generator = new SyntheticPatients(seed);
    }

    Future<JsonObject> start() {
      build().onComplete(this::write);
      return result.future();
    }

    /** The next batch of patients, built and indexed on a worker with its insert sent, or an empty one when done. */
    private Future<Prepared> build() {
      int from = nextPatient;
      int to = Math.min(patients, from + PATIENTS_PER_BATCH);
      nextPatient = to;
      if (from == to) {
        return Future.succeededFuture(new Prepared(to, null));
      }
      // generating and indexing are CPU work: on a worker thread; the insert is sent from there too
      return vertx.executeBlocking(() -> {
        List<NewResource> batch = new ArrayList<>(BATCH + 100);
        for (int n = from; n < to; n++) {
          batch.addAll(generator.patient(n));
        }
        return new Prepared(to, store.createBatch(batch));
      }, false);
    }

    private void write(io.vertx.core.AsyncResult<Prepared> built) {
      if (built.failed()) {
        result.tryFail(built.cause());
        return;
      }
      Prepared batch = built.result();
      if (batch.insert == null) {
        result.tryComplete(new JsonObject().put("patients", patients).put("seed", seed).put("resources", resources)
            .put("millis", millis()));
        return;
      }
      // build the next batch while this one is written
      Future<Prepared> next = build();
      batch.insert.onComplete(inserted -> {
        if (inserted.failed()) {
          result.tryFail(inserted.cause());
          return;
        }
        resources += inserted.result();
        progress(batch.patientsDone);
        next.onComplete(this::write);
      });
    }

    private void progress(int done) {
      long now = System.nanoTime();
      if (now - lastProgress < PROGRESS_EVERY_MS * 1_000_000 && done < patients) {
        return;
      }
      lastProgress = now;
      JsonObject progress = new JsonObject().put("patients", patients).put("done", done).put("resources", resources)
          .put("millis", millis());
      LOG.info("seed: {}/{} patients, {} resources", done, patients, resources);
      vertx.eventBus().publish(FhirAddresses.SEED_PROGRESS, progress);
    }

    private long millis() {
      return (System.nanoTime() - started) / 1_000_000;
    }
  }

  private record Prepared(int patientsDone, Future<Integer> insert) {
  }

  @Override
  public Future<?> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }
}
