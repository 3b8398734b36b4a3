package io.bastion.fhir.store;

import io.bastion.fhir.store.ResourceStore.NewResource;
import io.bastion.fhir.store.StoreException.Reason;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bulk load into an empty FHIR store, the standard way: one transaction locks the store's tables, checks
 * that they are empty, drops their indexes and keys (as the catalog defines them, see {@link StoreIndexes}),
 * COPYs every batch into the bare tables, fills the history from the current rows, then builds the indexes
 * again (sorted builds instead of millions of random B-tree inserts), analyzes the tables and commits.
 *
 * <p>Because it is one transaction, PostgreSQL's transactional DDL undoes everything when it fails, is
 * closed before {@link #finish}, or loses its connection (a killed node): the indexes are back and the store
 * is empty again. Until it ends, every other statement on these tables waits for its lock.
 *
 * <p>Blocking; {@link #load} may be called from several threads: they encode their batches in parallel and
 * take turns on the one connection.
 */
public final class EmptyStoreLoad implements AutoCloseable {

  private static final String UNIQUE_VIOLATION = "23505";
  private static final String LOCK_NOT_AVAILABLE = "55P03";
  /** How long the load waits for other transactions to let go of the store's tables. */
  static final String LOCK_TIMEOUT = "3s";
  /** Memory for each index build's sort, for this transaction only: a sort that fits is not spilled to disk. */
  private static final String MAINTENANCE_WORK_MEM = "1GB";
  private static final Logger LOG = LoggerFactory.getLogger(EmptyStoreLoad.class);

  private final PgCopyLoader encoder;
  private final Connection connection;
  private final StoreIndexes indexes;
  private final String tables;
  private boolean broken;
  private boolean committed;

  private EmptyStoreLoad(PgCopyLoader encoder, Connection connection, StoreIndexes indexes, String tables) {
    this.encoder = encoder;
    this.connection = connection;
    this.indexes = indexes;
    this.tables = tables;
  }

  /**
   * Starts a load on {@code connection} (no auto-commit) if the store is empty, or gives the connection back
   * untouched, its transaction rolled back, when it holds any resource.
   */
  static Optional<EmptyStoreLoad> begin(PgCopyLoader encoder, Connection connection) throws SQLException {
    List<String> names = new ArrayList<>(List.of("fhir_resource", "fhir_resource_history"));
    for (String[] table : FhirSql.INDEX_TABLES) {
      names.add(table[1]);
    }
    String tables = String.join(", ", names);
    try (Statement statement = connection.createStatement()) {
      // a cheap look first, so that a store with data is never locked for nothing
      boolean empty = isEmpty(statement);
      connection.rollback();
      if (!empty) {
        return Optional.empty();
      }
      if (!locked(connection, statement, tables)) {
        LOG.info("seed: the store's tables stayed in use for {}: loading batch by batch instead", LOCK_TIMEOUT);
        return Optional.empty();
      }
      if (!isEmpty(statement)) {
        connection.rollback();
        return Optional.empty();
      }
      StoreIndexes indexes = StoreIndexes.read(connection, names);
      indexes.drop(connection);
      LOG.info("seed: empty store, {} indexes and constraints dropped until the load ends", indexes.definitions().size());
      return Optional.of(new EmptyStoreLoad(encoder, connection, indexes, tables));
    }
  }

  /**
   * Locks the tables against every other statement, waiting at most {@link #LOCK_TIMEOUT}: while this waits,
   * every statement after it waits too, so a transaction that holds on to a table (a long export, a session
   * left idle in a transaction) must not stall the whole store behind the seed.
   */
  private static boolean locked(Connection connection, Statement statement, String tables) throws SQLException {
    statement.execute("SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'");
    try {
      statement.execute("LOCK TABLE " + tables + " IN ACCESS EXCLUSIVE MODE");
    } catch (SQLException e) {
      if (LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
        connection.rollback();
        return false;
      }
      throw e;
    }
    statement.execute("SET LOCAL lock_timeout = 0");
    return true;
  }

  private static boolean isEmpty(Statement statement) throws SQLException {
    try (ResultSet rows = statement.executeQuery("SELECT NOT EXISTS (SELECT 1 FROM fhir_resource)")) {
      return rows.next() && rows.getBoolean(1);
    }
  }

  /**
   * Adds the resources, version 1 under the ids given, with their history and index rows (visible to
   * others once {@link #finish} commits).
   *
   * @return the number of resources added
   */
  public int load(List<NewResource> resources) throws SQLException {
    if (resources.isEmpty()) {
      return 0;
    }
    long[] keys;
    synchronized (this) {
      usable();
      keys = PgCopyLoader.reserveKeys(connection, resources.size());
    }
    PgCopyLoader.Rows rows = encoder.encode(resources, keys, false);
    synchronized (this) {
      usable();
      try {
        encoder.copy(connection, rows);
      } catch (SQLException e) {
        throw failed(e);
      }
    }
    return resources.size();
  }

  /** Fills the history, builds the indexes, analyzes the tables and commits, durably. */
  public synchronized void finish() throws SQLException {
    usable();
    try (Statement statement = connection.createStatement()) {
      // the statements below take minutes on a large load, and PostgreSQL is silent until each ends
      connection.setNetworkTimeout(Runnable::run, 0);
      long started = System.nanoTime();
      // every current row is this load's: the store was empty and is locked. Copying the rows spares
      // PostgreSQL a second parse of each resource's JSON and the socket a second copy of it.
      statement.execute("INSERT INTO fhir_resource_history (res_pk, version, res_type, res_id, last_updated, method, "
          + "content) SELECT res_pk, version, res_type, res_id, last_updated, 'POST', content FROM fhir_resource");
      long history = System.nanoTime();
      statement.execute("SET LOCAL maintenance_work_mem = '" + MAINTENANCE_WORK_MEM + "'");
      List<String> slowest = indexes.create(connection);
      long built = System.nanoTime();
      statement.execute("ANALYZE " + tables);
      long analyzed = System.nanoTime();
      statement.execute("SET LOCAL synchronous_commit = on");
      connection.commit();
      committed = true;
      LOG.info("seed: history {} ms, {} indexes and constraints built in {} ms (slowest {}), analyzed in {} ms, "
          + "committed in {} ms", (history - started) / 1_000_000, indexes.definitions().size(),
          (built - history) / 1_000_000, String.join(", ", slowest), (analyzed - built) / 1_000_000,
          (System.nanoTime() - analyzed) / 1_000_000);
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  /** Ends the load: rolled back (indexes back, store empty) unless {@link #finish} committed it. */
  @Override
  public synchronized void close() {
    try {
      if (!committed) {
        connection.rollback();
      }
    } catch (SQLException ignored) {
      // a broken connection: its transaction ends with it
    }
    try {
      connection.close();
    } catch (SQLException ignored) {
      // nothing left to release
    }
  }

  private void usable() throws SQLException {
    if (broken || committed) {
      throw new SQLException(committed ? "the load is committed already" : "the load failed earlier");
    }
  }

  /** Marks the load failed; the error to throw: CONFLICT when an id repeats. */
  private SQLException failed(SQLException e) {
    broken = true;
    if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
      throw new StoreException(Reason.CONFLICT, "one of the resources exists already");
    }
    return e;
  }
}
