package io.bastion.fhir.store;

import io.bastion.db.PostgresServer;
import io.bastion.fhir.phi.PhiProtection;
import io.bastion.fhir.search.IndexRows;
import io.bastion.fhir.search.SearchIndexer;
import io.bastion.fhir.store.ResourceStore.NewResource;
import io.bastion.fhir.store.StoreException.Reason;
import io.vertx.core.json.JsonObject;
import java.io.StringReader;
import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.LinkedBlockingQueue;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Bulk load of new resources (seeding) with PostgreSQL's COPY through pgjdbc: each batch is one transaction
 * that reserves res_pks from the identity sequence, then copies the current rows, the history rows and every
 * search-index row (computed by the same {@link SearchIndexer} as every other write) into their tables. What
 * it writes is what {@link ResourceStore#create} would write for each resource, index rows included; COPY
 * only skips the per-row statement work and the JSON unpacking of {@link ResourceStore#createBatch}.
 * Into an empty store, {@link #beginEmptyStoreLoad} offers the faster {@link EmptyStoreLoad}: the same rows,
 * one transaction, indexes built at the end.
 *
 * <p>Blocking: call {@link #load} from worker threads, several at once if wanted (one connection each,
 * kept for the next batch until {@link #close}). Batches commit asynchronously (no WAL flush each): call
 * {@link #makeDurable} before telling anyone that the load is committed.
 */
public final class PgCopyLoader implements AutoCloseable {

  private static final String UNIQUE_VIOLATION = "23505";
  /**
   * How long a loader connection waits for PostgreSQL to answer before it gives up on it. A COPY that the
   * server stops answering (a lock it waits for, a network that drops packets) would otherwise block its
   * worker thread, and the seed behind it, for ever; no statement of a batch takes nearly this long.
   */
  static final Duration DEFAULT_SILENCE = Duration.ofMinutes(2);
  private static final String RESERVE_KEYS =
      "SELECT nextval(pg_get_serial_sequence('fhir_resource', 'res_pk')) FROM generate_series(1, ?)";

  private final PostgresServer server;
  private final SearchIndexer indexer;
  private final PhiProtection phi;
  private final Clock clock;
  private final Duration silence;
  private final LinkedBlockingQueue<Connection> idle = new LinkedBlockingQueue<>();

  public PgCopyLoader(PostgresServer server, SearchIndexer indexer, Clock clock) {
    this(server, indexer, PhiProtection.NONE, clock);
  }

  /** @param phi seals what the store seals; the indexer must apply the same protection (blind indexes) */
  public PgCopyLoader(PostgresServer server, SearchIndexer indexer, PhiProtection phi, Clock clock) {
    this(server, indexer, phi, clock, DEFAULT_SILENCE);
  }

  /** @param silence how long a statement may go unanswered before its connection is given up (tests) */
  PgCopyLoader(PostgresServer server, SearchIndexer indexer, PhiProtection phi, Clock clock, Duration silence) {
    this.server = server;
    this.indexer = indexer;
    this.phi = phi;
    this.clock = clock;
    this.silence = silence;
  }

  /**
   * Stores the resources, version 1 under the ids given, with their history and index rows: all or none.
   * Fails with a CONFLICT {@link StoreException} when one of the ids exists already.
   *
   * @return the number of resources stored
   */
  public int load(List<NewResource> resources) throws SQLException {
    if (resources.isEmpty()) {
      return 0;
    }
    Connection connection = connection();
    boolean healthy = false;
    try {
      long[] keys = reserveKeys(connection, resources.size());
      copy(connection, encode(resources, keys, true));
      connection.commit();
      healthy = true;
      return resources.size();
    } catch (SQLException e) {
      healthy = rolledBack(connection);
      if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
        throw new StoreException(Reason.CONFLICT, "one of the resources exists already");
      }
      throw e;
    } finally {
      if (healthy) {
        idle.add(connection);
      } else {
        closeQuietly(connection);
      }
    }
  }

  /**
   * Starts an {@link EmptyStoreLoad} on a connection of its own when the store holds no resource (checked
   * under the load's locks); empty when it holds any, and then {@link #load} is the way.
   */
  public Optional<EmptyStoreLoad> beginEmptyStoreLoad() throws SQLException {
    Connection connection = connection();
    try {
      Optional<EmptyStoreLoad> load = EmptyStoreLoad.begin(this, connection);
      if (load.isEmpty()) {
        idle.add(connection);
      }
      return load;
    } catch (SQLException | RuntimeException e) {
      closeQuietly(connection);
      throw e;
    }
  }

  /**
   * The COPY text of resources stored as version 1 under the res_pks given: current rows, history rows
   * (only {@code withHistory}) and index rows. CPU only: no connection needed.
   */
  Rows encode(List<NewResource> resources, long[] keys, boolean withHistory) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    Rows rows = new Rows(withHistory);
    String lastUpdated = now.toString();
    for (int i = 0; i < resources.size(); i++) {
      NewResource r = resources.get(i);
      JsonObject stored = PgResourceStore.stamp(r.resource(), r.id(), 1, now);
      String key = Long.toString(keys[i]);
      String content = phi.concealText(r.type(), r.id(), stored);
      rows.current.row(key, r.type(), r.id(), "1", lastUpdated, "f", content);
      if (withHistory) {
        rows.history.row(key, "1", r.type(), r.id(), lastUpdated, "POST", content);
      }
      addIndexRows(rows.index, key, r.type(), indexer.index(r.type(), stored));
    }
    return rows;
  }

  /** COPYs the rows into their tables, in the connection's transaction. */
  void copy(Connection connection, Rows rows) throws SQLException {
    try {
      CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
      copy.copyIn("COPY fhir_resource (res_pk, res_type, res_id, version, last_updated, deleted, content) FROM STDIN",
          rows.current.reader());
      if (rows.history != null) {
        copy.copyIn("COPY fhir_resource_history (res_pk, version, res_type, res_id, last_updated, method, content) "
            + "FROM STDIN", rows.history.reader());
      }
      for (int t = 0; t < rows.index.length; t++) {
        if (!rows.index[t].isEmpty()) {
          copy.copyIn("COPY " + FhirSql.INDEX_TABLES[t][1] + " (" + indexColumns(t) + ") FROM STDIN", rows.index[t].reader());
        }
      }
    } catch (java.io.IOException e) {
      throw new SQLException("COPY failed: " + e.getMessage(), e);
    } catch (SQLException e) {
      if (e.getCause() instanceof SocketTimeoutException) {
        throw new SQLException("COPY: PostgreSQL did not answer within " + silence.toSeconds()
            + " s; the batch is rolled back", e.getSQLState(), e);
      }
      throw e;
    }
  }

  /**
   * Waits until every batch committed so far is on disk: batches commit without waiting for their WAL
   * flush, and the synchronous commit of one transaction with an id flushes the WAL up to it, theirs included.
   */
  public void makeDurable() throws SQLException {
    Connection connection = connection();
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET LOCAL synchronous_commit = on");
      statement.execute("SELECT pg_current_xact_id()");
      connection.commit();
    } catch (SQLException e) {
      closeQuietly(connection);
      throw e;
    }
    idle.add(connection);
  }

  /** Closes the connections kept between batches. */
  @Override
  public void close() {
    Connection connection;
    while ((connection = idle.poll()) != null) {
      closeQuietly(connection);
    }
  }

  Connection connection() throws SQLException {
    Connection connection = idle.poll();
    if (connection != null) {
      return connection;
    }
    Properties properties = new Properties();
    if (server.options().getUser() != null) {
      properties.setProperty("user", server.options().getUser());
    }
    if (server.options().getPassword() != null) {
      properties.setProperty("password", server.options().getPassword());
    }
    properties.setProperty("ApplicationName", "bastion-seed");
    connection = DriverManager.getConnection(server.jdbcUrl(), properties);
    try (Statement statement = connection.createStatement()) {
      // a batch's commit need not wait for its WAL flush: makeDurable() flushes once at the end of a load
      statement.execute("SET synchronous_commit = off");
    }
    connection.setAutoCommit(false);
    connection.setNetworkTimeout(Runnable::run, (int) silence.toMillis());
    return connection;
  }

  static long[] reserveKeys(Connection connection, int count) throws SQLException {
    long[] keys = new long[count];
    try (PreparedStatement statement = connection.prepareStatement(RESERVE_KEYS)) {
      statement.setInt(1, count);
      try (ResultSet rows = statement.executeQuery()) {
        for (int i = 0; i < count && rows.next(); i++) {
          keys[i] = rows.getLong(1);
        }
      }
    }
    return keys;
  }

  /** The rows of each index table, columns in {@link FhirSql#INDEX_TABLES} order after res_pk, res_type, name. */
  private static void addIndexRows(CopyText[] index, String key, String type, IndexRows rows) {
    for (int t = 0; t < index.length; t++) {
      int count = rows.count(t);
      if (count == 0) {
        continue;
      }
      int width = IndexRows.KEYS.get(t).size() + 1;
      String[][] columns = new String[width][];
      for (int c = 0; c < width; c++) {
        columns[c] = rows.column(t, c);
      }
      for (int r = 0; r < count; r++) {
        String[] values = new String[2 + width];
        values[0] = key;
        values[1] = type;
        for (int c = 0; c < width; c++) {
          values[2 + c] = columns[c][r];
        }
        index[t].row(values);
      }
    }
  }

  private static String indexColumns(int table) {
    StringBuilder columns = new StringBuilder("res_pk, res_type, name");
    for (String column : FhirSql.INDEX_TABLES[table][2].split(", ")) {
      columns.append(", ").append(column.split(" ")[1]);
    }
    return columns.toString();
  }

  /** True when the connection is usable again; a broken one is closed by the caller. */
  private static boolean rolledBack(Connection connection) {
    try {
      connection.rollback();
      return true;
    } catch (SQLException broken) {
      return false;
    }
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // nothing left to release
    }
  }

  /** The COPY text of one batch, per table. */
  static final class Rows {
    final CopyText current = new CopyText();
    final CopyText history;
    final CopyText[] index = new CopyText[FhirSql.INDEX_TABLES.length];

    Rows(boolean withHistory) {
      history = withHistory ? new CopyText() : null;
      for (int t = 0; t < index.length; t++) {
        index[t] = new CopyText();
      }
    }
  }

  /** COPY's text format: tab-separated, \N for null, backslash escapes for the characters it reserves. */
  private static final class CopyText {
    private final StringBuilder text = new StringBuilder(1 << 16);

    void row(String... values) {
      for (int i = 0; i < values.length; i++) {
        if (i > 0) {
          text.append('\t');
        }
        if (values[i] == null) {
          text.append("\\N");
        } else {
          escape(values[i]);
        }
      }
      text.append('\n');
    }

    private void escape(String value) {
      if (!needsEscape(value)) {
        text.append(value);
        return;
      }
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        switch (c) {
          case '\\' -> text.append("\\\\");
          case '\n' -> text.append("\\n");
          case '\r' -> text.append("\\r");
          case '\t' -> text.append("\\t");
          default -> text.append(c);
        }
      }
    }

    private static boolean needsEscape(String value) {
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c == '\\' || c == '\n' || c == '\r' || c == '\t') {
          return true;
        }
      }
      return false;
    }

    boolean isEmpty() {
      return text.length() == 0;
    }

    StringReader reader() {
      return new StringReader(text.toString());
    }
  }
}
