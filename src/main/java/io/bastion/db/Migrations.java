package io.bastion.db;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the Flyway migrations: SQL in src/main/resources/db/migration, Java in the package {@code db.migration}
 * (those that derive their statements from code, such as V16). Blocking: call on a worker thread.
 */
public final class Migrations {

  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {
  }

  /** @return the schema version after migrating */
  public static String apply(PostgresServer server) {
    Flyway flyway = Flyway.configure()
        .dataSource(server.jdbcUrl(), server.options().getUser(), server.options().getPassword())
        .locations("classpath:db/migration")
        .connectRetries(0)
        .load();
    MigrateResult result = flyway.migrate();
    String version = flyway.info().current() == null ? "none" : flyway.info().current().getVersion().getVersion();
    LOG.info("migrations: {} applied, schema at version {}", result.migrationsExecuted, version);
    return version;
  }
}
