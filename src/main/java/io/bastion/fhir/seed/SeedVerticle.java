package io.bastion.fhir.seed;

import io.bastion.fhir.FhirAddresses;
import io.bastion.fhir.store.EmptyStoreLoad;
import io.bastion.fhir.store.PgCopyLoader;
import io.bastion.fhir.store.ResourceStore.NewResource;
import io.bastion.fhir.store.StoreException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bastion ctl seed}: answers {@link FhirAddresses#SEED} {@code {patients, seed}} by writing that many
 * {@link SyntheticPatients} with the COPY loader (resources, history and search index; one transaction per
 * batch of {@link #PATIENTS_PER_BATCH} patients), and replies {@code {patients, seed, resources, millis}} when
 * everything is committed. Each batch is generated, indexed and copied on a worker of the verticle's own
 * pool, {@link #IN_FLIGHT} at a time, so that generation in Java and index maintenance in PostgreSQL overlap
 * on every core. Into an empty store, the batches go into one {@link EmptyStoreLoad} (indexes dropped while it
 * loads and built afterwards, all or nothing); otherwise each batch commits on its own. Progress is published
 * on {@link FhirAddresses#SEED_PROGRESS} and logged. One seed at a time: a second request while one runs fails
 * 409.
 */
public final class SeedVerticle extends VerticleBase {

  /** Patients per batch: about 1,800 resources, large enough that a batch's fixed costs do not matter. */
  static final int PATIENTS_PER_BATCH = 100;
  /** Batches written at once: one being built in Java while PostgreSQL takes in the others. */
  static final int IN_FLIGHT = 3;
  public static final int MAX_PATIENTS = 1_000_000;
  static final int BAD_REQUEST = 400;
  static final int BUSY = 409;
  static final int FAILED = 500;
  private static final long PROGRESS_EVERY_MS = 2000;
  private static final Logger LOG = LoggerFactory.getLogger(SeedVerticle.class);

  private final PgCopyLoader loader;
  private MessageConsumer<JsonObject> consumer;
  private WorkerExecutor workers;
  private boolean running;

  public SeedVerticle(PgCopyLoader loader) {
    this.loader = loader;
  }

  @Override
  public Future<?> start() {
    workers = vertx.createSharedWorkerExecutor("bastion-seed", IN_FLIGHT);
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
      // the loader's connections are not kept between runs
      workers.executeBlocking(() -> {
        loader.close();
        return null;
      }, false);
      if (done.succeeded()) {
        LOG.info("seed: {} patients, {} resources in {} ms", count, done.result().getLong("resources"),
            done.result().getLong("millis"));
        message.reply(done.result());
      } else {
        boolean exists = done.cause() instanceof StoreException e && e.reason() == StoreException.Reason.CONFLICT;
        if (exists) {
          LOG.warn("seed: refused: seed {} has been written to this database already", seedNumber); // the caller's choice
        } else {
          LOG.error("seed: failed: {}", done.cause().toString());
        }
        message.fail(exists ? BUSY : FAILED, exists
            ? "seed " + seedNumber + " has been written to this database already (ids derive from the seed): choose another --seed"
            : "seed failed: " + done.cause().getMessage());
      }
    });
  }

  /**
   * One seed: batches of whole patients, {@link #IN_FLIGHT} at a time. The first failure stops new batches;
   * the run fails once those in flight have finished (batches committed before stay committed; into an empty
   * store, nothing stays).
   */
  private final class Run {
    private final int patients;
    private final long seed;
    private final SyntheticPatients generator;
    private final long started = System.nanoTime();
    private final Promise<JsonObject> result = Promise.promise();
    private int nextPatient;
    private int patientsDone;
    private int inFlight;
    private long resources;
    private Throwable failure;
    private long lastProgress = System.nanoTime();
    /** Set when the store was empty: every batch goes into its one transaction. */
    private EmptyStoreLoad emptyStoreLoad;

    Run(int patients, long seed) {
      this.patients = patients;
      this.seed = seed;
      this.generator = new SyntheticPatients(seed);
    }

    Future<JsonObject> start() {
      workers.executeBlocking(loader::beginEmptyStoreLoad, false).onComplete(begun -> {
        if (begun.failed()) {
          result.fail(begun.cause());
          return;
        }
        emptyStoreLoad = begun.result().orElse(null);
        launch();
      });
      return result.future();
    }

    private void launch() {
      while (inFlight < IN_FLIGHT && nextPatient < patients && failure == null) {
        int from = nextPatient;
        int to = Math.min(patients, from + PATIENTS_PER_BATCH);
        nextPatient = to;
        inFlight++;
        // generation, indexing and COPY are CPU and blocking I/O: on the seed workers
        workers.executeBlocking(() -> {
          List<NewResource> batch = new ArrayList<>((to - from) * 20);
          for (int n = from; n < to; n++) {
            batch.addAll(generator.patient(n));
          }
          return emptyStoreLoad != null ? emptyStoreLoad.load(batch) : loader.load(batch);
        }, false).onComplete(loaded -> written(to - from, loaded));
      }
      if (inFlight == 0) {
        boolean failed = failure != null;
        workers.executeBlocking(() -> {
          if (emptyStoreLoad == null) {
            // what did commit is made durable before the answer, whether the run failed or not
            loader.makeDurable();
            return null;
          }
          // all or nothing: a failed load is rolled back, indexes included
          try (EmptyStoreLoad load = emptyStoreLoad) {
            if (!failed) {
              load.finish();
            }
          }
          return null;
        }, false).onComplete(durable -> {
          if (failure != null || durable.failed()) {
            result.tryFail(failure != null ? failure : durable.cause());
          } else {
            result.tryComplete(new JsonObject().put("patients", patients).put("seed", seed)
                .put("resources", resources).put("millis", millis()));
          }
        });
      }
    }

    private void written(int batchPatients, AsyncResult<Integer> loaded) {
      inFlight--;
      if (loaded.succeeded()) {
        resources += loaded.result();
        patientsDone += batchPatients;
        progress();
      } else if (failure == null) {
        failure = loaded.cause();
      }
      launch();
    }

    private void progress() {
      long now = System.nanoTime();
      if (now - lastProgress < PROGRESS_EVERY_MS * 1_000_000 && patientsDone < patients) {
        return;
      }
      lastProgress = now;
      JsonObject progress = new JsonObject().put("patients", patients).put("done", patientsDone)
          .put("resources", resources).put("millis", millis());
      LOG.info("seed: {}/{} patients, {} resources", patientsDone, patients, resources);
      vertx.eventBus().publish(FhirAddresses.SEED_PROGRESS, progress);
    }

    private long millis() {
      return (System.nanoTime() - started) / 1_000_000;
    }
  }

  @Override
  public Future<?> stop() {
    Future<?> unregistered = consumer == null ? Future.succeededFuture() : consumer.unregister();
    return unregistered.compose(v -> workers == null ? Future.succeededFuture() : workers.close());
  }
}
