package io.bastion.db;

import io.bastion.db.embedded.EmbeddedPostgres;
import io.vertx.pgclient.PgConnectOptions;

/**
 * The PostgreSQL server this node uses and why it was chosen.
 *
 * @param embedded the embedded server this node started, or null; the composition root stops it last
 */
public record PostgresServer(PgConnectOptions options, Source source, String reason, EmbeddedPostgres embedded) {

  /** Where the server came from, in the order they are tried. */
  public enum Source {
    CONFIGURED("configured"), LOCALHOST("localhost"), EMBEDDED("embedded");

    private final String label;

    Source(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** The same server for JDBC (Flyway): the URL never carries the password. */
  public String jdbcUrl() {
    return "jdbc:postgresql://" + options.getHost() + ":" + options.getPort() + "/" + options.getDatabase();
  }
}
