package io.bastion.fhir.bulk;

import io.bastion.db.PostgresServer;
import io.bastion.fhir.FhirException;
import io.bastion.fhir.phi.PhiProtection;
import io.bastion.fhir.search.PatientCompartment;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Bulk Data export jobs of this node: starts them on a bounded worker pool of their own (at most
 * fhir.export.max-concurrent-jobs, beyond that a kick-off is refused with 429), reads and deletes their state
 * in fhir_export_job through the shared pool, and knows the jobs running here so they can be stopped.
 * Shared by reference between the gateway's routes and {@link ExportVerticle}; thread-safe.
 */
public final class BulkExport {

  private static final Logger LOG = LoggerFactory.getLogger(BulkExport.class);
  static final String WORKER_POOL = "bastion-export";

  private final Vertx vertx;
  private final Pool pool;
  private final ExportConfig config;
  private final String nodeId;
  private final Clock clock;
  private final ExportRunner runner;
  private final WorkerExecutor workers;
  private final Map<String, ActiveJob> active = new ConcurrentHashMap<>();
  private final AtomicInteger slots = new AtomicInteger();

  /** @param phi reveals the PHI that is encrypted at rest: exported files hold the plaintext resources */
  public BulkExport(Vertx vertx, Pool pool, PostgresServer postgres, ExportConfig config, PatientCompartment compartment,
      PhiProtection phi, String nodeId, Clock clock) {
    this.vertx = vertx;
    this.pool = pool;
    this.config = config;
    this.nodeId = nodeId;
    this.clock = clock;
    this.runner = new ExportRunner(postgres, config, compartment, phi, clock);
    // an export may run for hours: its worker is not "blocked", so no warning before a day has passed
    this.workers = vertx.createSharedWorkerExecutor(WORKER_POOL, config.maxConcurrentJobs(), 24, TimeUnit.HOURS);
  }

  ExportConfig config() {
    return config;
  }

  String nodeId() {
    return nodeId;
  }

  /** Records the job and starts it; fails 429 (FhirException) when every slot is taken. */
  Future<ExportJob> start(ExportRequest request, String owner, String requestUrl, boolean requiresToken) {
    if (slots.incrementAndGet() > config.maxConcurrentJobs()) {
      slots.decrementAndGet();
      return Future.failedFuture(FhirException.of(429, "throttled", "the most export jobs this server runs at once ("
          + config.maxConcurrentJobs() + ") are running; try again later"));
    }
    ExportJob job = new ExportJob(UUID.randomUUID().toString(), owner, nodeId, ExportJob.ACCEPTED,
        request.level().code(), request.types(), request.since(), requestUrl, requiresToken, null, null);
    ActiveJob running = new ActiveJob();
    active.put(job.id(), running);
    return pool.preparedQuery(ExportSql.INSERT_JOB).execute(Tuple.of(job.id(), owner, nodeId, job.level(),
            job.types().toArray(String[]::new), job.since() == null ? null : job.since().atOffset(ZoneOffset.UTC),
            requestUrl, requiresToken, clock.instant().atOffset(ZoneOffset.UTC)))
        .map(inserted -> {
          workers.executeBlocking(() -> {
            runner.run(job, running);
            return null;
          }, false).onComplete(done -> release(job.id()));
          return job;
        })
        .onFailure(e -> release(job.id()));
  }

  private void release(String jobId) {
    if (active.remove(jobId) != null) {
      slots.decrementAndGet();
    }
  }

  /** The job, or null when there is none. */
  Future<ExportJob> job(String jobId) {
    return pool.preparedQuery(ExportSql.SELECT_JOB).execute(Tuple.of(jobId))
        .map(rows -> rows.size() == 0 ? null : ExportJob.of(rows.iterator().next()));
  }

  Future<List<ExportFile>> files(String jobId) {
    return pool.preparedQuery(ExportSql.SELECT_FILES).execute(Tuple.of(jobId)).map(rows -> {
      List<ExportFile> files = new ArrayList<>();
      for (Row row : rows) {
        files.add(new ExportFile(row.getString("name"), row.getString("res_type"), row.getLong("count")));
      }
      return files;
    });
  }

  /** How far a job running on this node got; null when it does not run here. */
  String progress(String jobId) {
    ActiveJob job = active.get(jobId);
    return job == null ? null : job.progress();
  }

  /**
   * Deletes the job: a running one is told to stop (its runner removes what it wrote), a finished one's files
   * are removed here. The row goes first, so a runner that finishes meanwhile cannot complete it.
   */
  Future<Void> delete(ExportJob job) {
    return pool.preparedQuery(ExportSql.DELETE_JOB).execute(Tuple.of(job.id())).compose(deleted -> {
      ActiveJob running = active.get(job.id());
      if (running != null) {
        running.stop(ActiveJob.Stop.CANCELLED);
      }
      return removeFiles(job.id());
    });
  }

  /** The NDJSON file of a job, resolved inside its directory (the name is checked by the caller). */
  Path file(String jobId, String name) {
    return config.dir().resolve(jobId).resolve(name);
  }

  private Future<Void> removeFiles(String jobId) {
    Path dir = config.dir().resolve(jobId);
    return vertx.fileSystem().exists(dir.toString())
        .compose(exists -> exists ? vertx.fileSystem().deleteRecursive(dir.toString()) : Future.succeededFuture());
  }

  /** At start-up: jobs this node ran before it stopped are failed (a snapshot cannot be resumed). */
  Future<Integer> failInterrupted() {
    Instant now = clock.instant();
    return pool.preparedQuery(ExportSql.FAIL_INTERRUPTED).execute(Tuple.of(nodeId,
            "the node stopped while the export ran; start a new export", now.atOffset(ZoneOffset.UTC),
            now.plus(Duration.ofHours(config.retentionHours())).atOffset(ZoneOffset.UTC)))
        .compose(this::removeFilesOf);
  }

  /** Removes this node's jobs whose retention has passed, with their files. */
  Future<Integer> removeExpired() {
    return pool.preparedQuery(ExportSql.DELETE_EXPIRED).execute(Tuple.of(nodeId, clock.instant().atOffset(ZoneOffset.UTC)))
        .compose(this::removeFilesOf);
  }

  /** Removes the directories of the jobs in these rows (a job_id column); answers how many. */
  private Future<Integer> removeFilesOf(io.vertx.sqlclient.RowSet<Row> jobs) {
    List<Future<Void>> removed = new ArrayList<>();
    jobs.forEach(row -> removed.add(removeFiles(row.getString("job_id"))));
    return Future.join(removed).map(done -> jobs.size());
  }

  /**
   * Removes job directories that no job row names any more (a job deleted through another node of a cluster,
   * or files left by a crash), except those of jobs running here.
   */
  Future<Integer> removeOrphans() {
    String root = config.dir().toString();
    return vertx.fileSystem().exists(root).compose(exists -> !exists ? Future.succeededFuture(List.<String>of())
            : vertx.fileSystem().readDir(root, ExportRoutes.JOB_ID))
        .compose(paths -> {
          List<String> ids = paths.stream().map(p -> Path.of(p).getFileName().toString())
              .filter(id -> !active.containsKey(id)).toList();
          if (ids.isEmpty()) {
            return Future.succeededFuture(0);
          }
          return pool.preparedQuery(ExportSql.KNOWN_JOBS).execute(Tuple.of(ids.toArray(String[]::new))).compose(rows -> {
            java.util.Set<String> known = new java.util.HashSet<>();
            rows.forEach(row -> known.add(row.getString("job_id")));
            List<Future<Void>> removed = new ArrayList<>();
            ids.stream().filter(id -> !known.contains(id)).forEach(id -> removed.add(removeFiles(id)));
            return Future.join(removed).map(done -> removed.size());
          });
        });
  }

  /** Tells every running job to stop (they are marked failed) and closes the worker pool. */
  Future<Void> stop() {
    active.values().forEach(job -> job.stop(ActiveJob.Stop.NODE_STOPPING));
    if (!active.isEmpty()) {
      LOG.info("stopping {} running export job(s)", active.size());
    }
    return workers.close();
  }
}
