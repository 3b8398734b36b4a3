package io.bastion.db;

import io.bastion.db.embedded.EmbeddedPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.pgclient.PgConnection;
import java.util.concurrent.TimeUnit;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses where PostgreSQL comes from, in the order DESIGN.md gives: the configured URL, a server on
 * localhost:5432, then an embedded server started by Bastion from binaries shipped in the jar.
 */
public final class PostgresSource {

  private static final Logger LOG = LoggerFactory.getLogger(PostgresSource.class);
  static final String DATABASE = "bastion";

  private final Vertx vertx;
  private final WorkerExecutor blocking;
  private final PostgresConfig config;

  public PostgresSource(Vertx vertx, WorkerExecutor blocking, PostgresConfig config) {
    this.vertx = vertx;
    this.blocking = blocking;
    this.config = config;
  }

  /** Resolves a reachable server; fails with one message naming what was tried. */
  public Future<PostgresServer> resolve() {
    if (PostgresConfig.EMBEDDED.equals(config.mode())) {
      return startEmbedded("postgres.mode is embedded");
    }
    if (!config.url().isEmpty()) {
      PgConnectOptions options = PgConnectOptions.fromUri(config.url());
      return probe(options, false)
          .map(v -> chosen(options, PostgresServer.Source.CONFIGURED, "postgres.url is set", null))
          .recover(e -> Future.failedFuture(new IllegalStateException(
              "PostgreSQL at postgres.url (" + options.getHost() + ":" + options.getPort() + "/" + options.getDatabase()
                  + ") is unreachable: " + e.getMessage(), e)));
    }
    PgConnectOptions local = new PgConnectOptions().setHost("localhost").setPort(5432)
        .setUser("postgres").setDatabase(DATABASE);
    return probe(local, true)
        .map(v -> chosen(local, PostgresServer.Source.LOCALHOST, "postgres.url is empty and localhost:5432 answered", null))
        .recover(e -> {
          if (PostgresConfig.EXTERNAL.equals(config.mode())) {
            return Future.failedFuture(new IllegalStateException(
                "postgres.mode is external but postgres.url is empty and localhost:5432 is unusable: " + e.getMessage(), e));
          }
          return startEmbedded("postgres.url is empty and localhost:5432 is unusable (" + e.getMessage() + ")");
        });
  }

  private Future<PostgresServer> startEmbedded(String reason) {
    return blocking.executeBlocking(() -> {
      EmbeddedPostgres embedded = EmbeddedPostgres.start(config.embeddedDir(), config.embeddedPort());
      try {
        embedded.createDatabaseIfMissing(DATABASE);
      } catch (Exception e) {
        embedded.close();
        throw e;
      }
      return embedded;
    }, false).map(embedded -> {
      PgConnectOptions options = new PgConnectOptions().setHost(embedded.host()).setPort(embedded.port())
          .setUser(embedded.superuser()).setDatabase(DATABASE);
      return chosen(options, PostgresServer.Source.EMBEDDED, reason + "; embedded PostgreSQL " + embedded.version()
          + " in " + config.embeddedDir(), embedded);
    });
  }

  /**
   * Connects once; for the localhost fallback, also creates the bastion database if the server lets us,
   * since a fresh local server has only its default databases.
   */
  private Future<Void> probe(PgConnectOptions options, boolean createDatabase) {
    if (!createDatabase) {
      return selectOne(options);
    }
    PgConnectOptions admin = new PgConnectOptions(options).setDatabase("postgres");
    return selectOne(options).recover(missing -> connect(admin).compose(conn -> conn
            .preparedQuery("SELECT 1 FROM pg_database WHERE datname = $1").execute(Tuple.of(DATABASE))
            .compose(rows -> rows.size() > 0
                ? Future.<Void>failedFuture(missing)
                : conn.query("CREATE DATABASE " + DATABASE).execute().<Void>mapEmpty())
            .eventually(conn::close))
        .compose(v -> selectOne(options)));
  }

  /** A single connection, not a pool: probes should not register pool metrics. */
  private Future<PgConnection> connect(PgConnectOptions options) {
    return PgConnection.connect(vertx, options).timeout(config.connectTimeoutMs(), TimeUnit.MILLISECONDS);
  }

  private Future<Void> selectOne(PgConnectOptions options) {
    return connect(options).compose(conn -> conn.query("SELECT 1").execute().<Void>mapEmpty().eventually(conn::close));
  }

  private static PostgresServer chosen(PgConnectOptions options, PostgresServer.Source source, String reason,
      EmbeddedPostgres embedded) {
    LOG.info("store postgres: {} at {}:{}/{} - {}", source.label(), options.getHost(), options.getPort(),
        options.getDatabase(), reason);
    return new PostgresServer(options, source, reason, embedded);
  }
}
