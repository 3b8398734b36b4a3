package io.bastion.fhir.bulk;

import io.bastion.db.PostgresServer;
import io.bastion.fhir.phi.PhiProtection;
import io.bastion.fhir.search.PatientCompartment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one export job, blocking, on an export worker thread (never an event loop). Its own JDBC connection
 * reads every type in one REPEATABLE READ, read-only transaction, so all files show the database as of one
 * snapshot, through a server-side cursor (autocommit off + fetch size): at most {@code fetch-size} rows are
 * in memory at a time, and each row goes straight to its NDJSON file. Then the file list and the completed
 * status are committed together, unless the job was deleted meanwhile.
 */
final class ExportRunner {

  private static final Logger LOG = LoggerFactory.getLogger(ExportRunner.class);
  private static final Timestamp BEGINNING = Timestamp.from(Instant.parse("0001-01-01T00:00:00Z"));

  private final PostgresServer postgres;
  private final ExportConfig config;
  private final PatientCompartment compartment;
  private final PhiProtection phi;
  private final Clock clock;

  ExportRunner(PostgresServer postgres, ExportConfig config, PatientCompartment compartment, PhiProtection phi,
      Clock clock) {
    this.postgres = postgres;
    this.config = config;
    this.compartment = compartment;
    this.phi = phi;
    this.clock = clock;
  }

  /** Thrown inside the run when the job was told to stop. */
  private static final class Stopped extends RuntimeException {
    Stopped() {
      super(null, null, false, false);
    }
  }

  void run(ExportJob job, ActiveJob active) {
    Path dir = config.dir().resolve(job.id());
    long began = System.nanoTime();
    try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), postgres.options().getUser(),
        postgres.options().getPassword())) {
      Instant transactionTime = clock.instant().truncatedTo(ChronoUnit.MILLIS);
      if (!markRunning(c, job, transactionTime)) {
        return; // deleted before it started
      }
      Files.createDirectories(dir);
      List<ExportFile> files = export(c, job, active, dir);
      long resources = files.stream().mapToLong(ExportFile::count).sum();
      if (complete(c, job, files)) {
        LOG.info("export {} completed: {} resources in {} files, {} ms", job.id(), resources, files.size(),
            Duration.ofNanos(System.nanoTime() - began).toMillis());
      } else {
        LOG.info("export {} was deleted while it ran; its files are removed", job.id());
        deleteTree(dir);
      }
    } catch (Stopped stopped) {
      deleteTree(dir);
      if (active.stopped() == ActiveJob.Stop.NODE_STOPPING) {
        fail(job, "the node stopped while the export ran; start a new export");
      }
      LOG.info("export {} stopped ({})", job.id(), active.stopped());
    } catch (SQLException | IOException | RuntimeException e) {
      // the class and SQLSTATE only: a message could quote data
      String cause = e instanceof SQLException sql ? "SQLSTATE " + sql.getSQLState() : e.getClass().getSimpleName();
      LOG.error("export {} failed: {}", job.id(), cause);
      deleteTree(dir);
      fail(job, "the export failed (" + cause + "); start a new export");
    }
  }

  private static boolean markRunning(Connection c, ExportJob job, Instant transactionTime) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(ExportSql.MARK_RUNNING)) {
      s.setTimestamp(1, Timestamp.from(transactionTime));
      s.setString(2, job.id());
      return s.executeUpdate() == 1;
    }
  }

  private List<ExportFile> export(Connection c, ExportJob job, ActiveJob active, Path dir)
      throws SQLException, IOException {
    c.setAutoCommit(false);
    c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    c.setReadOnly(true);
    List<ExportFile> files = new ArrayList<>();
    long total = 0;
    try {
      for (int t = 0; t < job.types().size(); t++) {
        String type = job.types().get(t);
        active.progress("exporting type " + (t + 1) + " of " + job.types().size() + ", " + total + " resources written");
        try (NdjsonFiles out = new NdjsonFiles(dir, type, config.maxResourcesPerFile());
            PreparedStatement s = statement(c, job, type)) {
          if (s == null) {
            continue; // a type that no compartment parameter links to a patient
          }
          s.setFetchSize(config.fetchSize());
          try (ResultSet rows = s.executeQuery()) {
            while (rows.next()) {
              if (active.stopped() != null) {
                throw new Stopped();
              }
              // the elements sealed at rest are opened here, on the export worker: the files are plaintext FHIR
              out.write(phi.reveal(type, rows.getString(1), rows.getString(2)));
              total++;
            }
          }
          files.addAll(out.finish());
        }
      }
      c.commit();
    } catch (SQLException | IOException | RuntimeException e) {
      c.rollback();
      throw e;
    }
    return files;
  }

  private PreparedStatement statement(Connection c, ExportJob job, String type) throws SQLException {
    Timestamp since = job.since() == null ? BEGINNING : Timestamp.from(job.since());
    if (ExportRequest.Level.PATIENT.code().equals(job.level()) && !"Patient".equals(type)) {
      List<String> params = compartment.links().stream().filter(l -> l[0].equals(type)).map(l -> l[1]).toList();
      if (params.isEmpty()) {
        return null;
      }
      PreparedStatement s = c.prepareStatement(ExportSql.COMPARTMENT_ROWS);
      Array names = c.createArrayOf("text", params.toArray());
      s.setString(1, type);
      s.setTimestamp(2, since);
      s.setString(3, type);
      s.setArray(4, names);
      return s;
    }
    PreparedStatement s = c.prepareStatement(ExportSql.TYPE_ROWS);
    s.setString(1, type);
    s.setTimestamp(2, since);
    return s;
  }

  /** Records the files and completes the job in one transaction; false when the job was deleted meanwhile. */
  private boolean complete(Connection c, ExportJob job, List<ExportFile> files) throws SQLException {
    c.setReadOnly(false);
    c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
    Instant now = clock.instant();
    try (PreparedStatement done = c.prepareStatement(ExportSql.MARK_COMPLETED);
        PreparedStatement insert = c.prepareStatement(ExportSql.INSERT_FILE)) {
      done.setTimestamp(1, Timestamp.from(now));
      done.setTimestamp(2, Timestamp.from(now.plus(Duration.ofHours(config.retentionHours()))));
      done.setString(3, job.id());
      if (done.executeUpdate() != 1) {
        c.rollback();
        return false;
      }
      for (int i = 0; i < files.size(); i++) {
        ExportFile file = files.get(i);
        insert.setString(1, job.id());
        insert.setString(2, file.name());
        insert.setString(3, file.type());
        insert.setLong(4, file.count());
        insert.setInt(5, i);
        insert.addBatch();
      }
      insert.executeBatch();
      c.commit();
      return true;
    } catch (SQLException e) {
      c.rollback();
      throw e;
    }
  }

  /** Marks the job failed on a fresh connection (the job's own may be what broke). */
  private void fail(ExportJob job, String error) {
    Instant now = clock.instant();
    try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), postgres.options().getUser(),
        postgres.options().getPassword()); PreparedStatement s = c.prepareStatement(ExportSql.MARK_FAILED)) {
      s.setString(1, error);
      s.setTimestamp(2, Timestamp.from(now));
      s.setTimestamp(3, Timestamp.from(now.plus(Duration.ofHours(config.retentionHours()))));
      s.setString(4, job.id());
      s.executeUpdate();
    } catch (SQLException e) {
      LOG.error("export {}: could not record the failure (SQLSTATE {}); the next start marks it failed", job.id(),
          e.getSQLState());
    }
  }

  /** Removes a job's directory and files (blocking). */
  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      LOG.warn("could not delete export files in {}: {}", dir.getFileName(), e.getClass().getSimpleName());
    }
  }
}
