package io.bastion.fhir.store;

import io.bastion.db.LoopPipelines;
import io.bastion.fhir.JsonText;
import io.bastion.fhir.phi.PhiProtection;
import io.bastion.fhir.search.IndexRows;
import io.bastion.fhir.search.SearchIndexer;
import io.bastion.fhir.store.StoreException.Reason;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@link ResourceStore} on PostgreSQL through the shared vertx-pg-client pool (no event-bus hop, nothing
 * blocking). Times come from the injected clock at millisecond precision, ids for create from the
 * injected supplier, so tests can control both. Every write also replaces the resource's search-index rows
 * ({@link SearchIndexer}) in the same statement.
 */
public final class PgResourceStore implements ResourceStore {

  private static final OffsetDateTime BEGINNING = OffsetDateTime.of(1, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
  private static final String UNIQUE_VIOLATION = "23505";
  private static final String SERIALIZATION_FAILURE = "40001";
  private static final String DEADLOCK = "40P01";

  private final Pool pool;
  /** The pool, or for a store bound to a transaction ({@link #inTransaction}) its connection. */
  private final SqlClient client;
  /** Non-null when this store runs inside a caller's transaction: writes then join it. */
  private final SqlConnection connection;
  private final Clock clock;
  private final Supplier<String> ids;
  private final SearchIndexer indexer;
  private final PhiProtection phi;
  /** Reads by id and version outside a transaction go here when set: one pipelined connection per event loop. */
  private final LoopPipelines pipelined;
  /** Plain creates of concurrent requests, written together; null for a store bound to a transaction. */
  private final CreateBatches batches;

  public PgResourceStore(Pool pool, Clock clock, Supplier<String> ids, SearchIndexer indexer) {
    this(pool, null, clock, ids, indexer, PhiProtection.NONE, null);
  }

  /**
   * @param indexer indexes the plaintext, so it must apply the same {@code phi} (blind indexes)
   * @param phi seals the configured elements before a resource is written, reveals them after a read
   */
  public PgResourceStore(Pool pool, Clock clock, Supplier<String> ids, SearchIndexer indexer, PhiProtection phi) {
    this(pool, null, clock, ids, indexer, phi, null);
  }

  /** As above, with reads by id and version on {@code pipelined} (everything else on {@code pool}). */
  public PgResourceStore(Pool pool, LoopPipelines pipelined, Clock clock, Supplier<String> ids, SearchIndexer indexer,
      PhiProtection phi) {
    this(pool, null, clock, ids, indexer, phi, pipelined);
  }

  private PgResourceStore(Pool pool, SqlConnection connection, Clock clock, Supplier<String> ids,
      SearchIndexer indexer, PhiProtection phi, LoopPipelines pipelined) {
    this.pool = pool;
    this.pipelined = pipelined;
    this.connection = connection;
    this.client = connection == null ? pool : connection;
    this.clock = clock;
    this.ids = ids;
    this.indexer = indexer;
    this.phi = phi;
    this.batches = connection == null ? new CreateBatches(pool, c -> insert(c.type(), c.id(), c.lastUpdated(),
        c.sealed(), c.index())) : null;
  }

  @Override
  public Future<Written> create(String type, JsonObject resource) {
    return create(type, ids.get(), resource);
  }

  @Override
  public String newId() {
    return ids.get();
  }

  @Override
  public Future<Written> create(String type, String id, JsonObject resource) {
    Instant now = now();
    JsonObject stored = stamp(resource, id, 1, now);
    IndexRows index = indexer.index(type, stored);
    String sealed = phi.concealText(type, id, stored);
    Future<Void> written = batches == null
        ? insert(type, id, utc(now), sealed, index)
        : batches.write(type, id, utc(now), sealed, index);
    return written.map(v -> new Written(new ResourceVersion(type, id, 1, now, false, "POST", JsonText.encode(stored)),
        true));
  }

  /** Create statements written so far that held several creates (tests). */
  long createStatementsOfSeveral() {
    return batches == null ? 0 : batches.statementsOfSeveral();
  }

  /** One create by its own statement ({@link FhirSql#insert}). */
  private Future<Void> insert(String type, String id, OffsetDateTime now, String sealed, IndexRows index) {
    int tables = index.tables();
    return client.preparedQuery(FhirSql.insert(tables))
        .execute(insertParams(type, id, now, sealed, "POST", index, tables))
        .<Void>mapEmpty()
        .recover(PgResourceStore::mapFailure);
  }

  @Override
  public Future<Integer> createBatch(List<NewResource> resources) {
    if (resources.isEmpty()) {
      return Future.succeededFuture(0);
    }
    Instant now = now();
    List<JsonObject> stored = new ArrayList<>(resources.size());
    return insertBatch(resources, now, stored);
  }

  @Override
  public Future<List<Written>> createAll(List<NewResource> resources) {
    if (resources.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    Instant now = now();
    List<JsonObject> stored = new ArrayList<>(resources.size());
    return insertBatch(resources, now, stored).map(inserted -> {
      List<Written> written = new ArrayList<>(resources.size());
      for (int i = 0; i < resources.size(); i++) {
        NewResource r = resources.get(i);
        written.add(new Written(new ResourceVersion(r.type(), r.id(), 1, now, false, "POST", stored.get(i).encode()), true));
      }
      return written;
    });
  }

  /** The parameters of {@link FhirSql#insert}: then per filled table, one text array per column of its rows. */
  private static Tuple insertParams(String type, String id, OffsetDateTime now, String sealed, String method,
      IndexRows index, int tables) {
    Tuple params = Tuple.of(type, id, now, sealed, method);
    for (int t = 0; t < IndexRows.TABLES.size(); t++) {
      if ((tables & (1 << t)) != 0) {
        for (int c = 0; c <= IndexRows.KEYS.get(t).size(); c++) {
          params.addArrayOfString(index.column(t, c));
        }
      }
    }
    return params;
  }

  /** One {@link FhirSql#insertBatch} statement for the resources; {@code stored} receives each one as stamped (plaintext). */
  private Future<Integer> insertBatch(List<NewResource> resources, Instant now, List<JsonObject> stored) {
    io.vertx.core.json.JsonArray batch = new io.vertx.core.json.JsonArray(new ArrayList<>(resources.size()));
    int tables = 0;
    for (NewResource r : resources) {
      JsonObject resource = stamp(r.resource(), r.id(), 1, now);
      stored.add(resource);
      JsonObject index = indexer.rows(r.type(), resource);
      tables |= FhirSql.tablesOf(index);
      batch.add(new JsonObject().put("t", r.type()).put("i", r.id()).put("c", phi.conceal(r.type(), r.id(), resource))
          .put("x", index));
    }
    return client.preparedQuery(FhirSql.insertBatch(tables)).execute(Tuple.of(utc(now), batch))
        .map(rows -> rows.iterator().next().getLong("inserted").intValue())
        .recover(PgResourceStore::mapFailure);
  }

  /**
   * Runs the work against a store bound to one connection in one transaction: every write the work makes
   * commits together when its future succeeds, and rolls back when it fails. Nested use joins the outer one.
   */
  @Override
  public <T> Future<T> inTransaction(Function<ResourceStore, Future<T>> work) {
    if (connection != null) {
      return work.apply(this);
    }
    return pool.withTransaction(conn -> work.apply(new PgResourceStore(pool, conn, clock, ids, indexer, phi, pipelined)))
        .recover(PgResourceStore::mapFailure);
  }

  @Override
  public <T> Future<T> inCriteriaLocks(Collection<String> keys, BiFunction<ResourceStore, SqlClient, Future<T>> work) {
    List<String> sorted = new ArrayList<>(new TreeSet<>(keys));
    return inTransaction(tx -> {
      PgResourceStore bound = (PgResourceStore) tx;
      Future<Void> locked = Future.succeededFuture();
      for (String key : sorted) {
        locked = locked.compose(v -> bound.connection.preparedQuery(FhirSql.CRITERIA_LOCK).execute(Tuple.of(key))
            .<Void>mapEmpty());
      }
      return locked.compose(v -> work.apply(bound, bound.connection));
    });
  }

  /** The pool's own transaction, or the caller's when this store is bound to one. */
  private <T> Future<T> transaction(Function<SqlConnection, Future<T>> work) {
    return connection != null ? work.apply(connection) : pool.withTransaction(work);
  }

  /** Where a single-row read goes: the caller's transaction, else the pipelined connection, else the pool. */
  private SqlClient reader() {
    return connection != null || pipelined == null ? client : pipelined.client();
  }

  @Override
  public Future<ResourceVersion> read(String type, String id) {
    return reader().preparedQuery(FhirSql.READ).execute(Tuple.of(type, id)).map(rows -> {
      Row row = single(rows, "no resource of this type has this id");
      if (row.getBoolean("deleted")) {
        throw new StoreException(Reason.GONE, "the resource was deleted");
      }
      return new ResourceVersion(type, id, row.getInteger("version"), instant(row), false, null,
          phi.reveal(type, id, row.getString("content")));
    });
  }

  @Override
  public Future<ResourceVersion> vread(String type, String id, int version) {
    return reader().preparedQuery(FhirSql.VREAD).execute(Tuple.of(type, id, version)).map(rows -> {
      Row row = single(rows, "this resource has no such version");
      String method = row.getString("method");
      if ("DELETE".equals(method)) {
        throw new StoreException(Reason.GONE, "this version is a deletion");
      }
      return new ResourceVersion(type, id, version, instant(row), false, method,
          phi.reveal(type, id, row.getString("content")));
    });
  }

  @Override
  public Future<Written> update(String type, String id, JsonObject resource, Integer ifMatch, NoneMatch ifNoneMatch) {
    Instant now = now();
    JsonObject stored = stamp(resource, id, 1, now);
    IndexRows index = indexer.index(type, stored);
    JsonObject sealed = phi.conceal(type, id, stored);
    // The row lock comes first, in its own statement: the write statement that follows then takes its
    // snapshot after any racing update committed, so it replaces that update's index rows too (within one
    // statement, rows committed after its snapshot would be invisible to its DELETE and survive).
    return transaction(conn -> conn.preparedQuery(FhirSql.LOCK_CURRENT).execute(Tuple.of(type, id))
        .compose(locked -> {
          if (locked.size() == 0) {
            if (ifMatch != null) {
              throw new StoreException(Reason.VERSION_MISMATCH, "If-Match was given but the resource does not exist");
            }
            // update as create, under the client's id; a racing create of the same id fails the unique key
            int tables = index.tables();
            return conn.preparedQuery(FhirSql.insert(tables))
                .execute(insertParams(type, id, utc(now), JsonText.encode(sealed), "PUT", index, tables))
                .map(inserted -> new Written(new ResourceVersion(type, id, 1, now, false, "PUT", JsonText.encode(stored)), true));
          }
          Row row = locked.iterator().next();
          int current = row.getInteger("version");
          if (ifMatch != null && ifMatch != current) {
            throw new StoreException(Reason.VERSION_MISMATCH,
                "If-Match names version " + ifMatch + " but the current version is " + current);
          }
          if (ifNoneMatch != null && ifNoneMatch.refuses(current, row.getBoolean("deleted"))) {
            throw new StoreException(Reason.VERSION_MISMATCH, ifNoneMatch.refusal(current));
          }
          return conn.preparedQuery(FhirSql.UPDATE).execute(Tuple.of(type, id, utc(now), sealed, ifMatch, "PUT", index.json()))
              .map(rows -> {
                int version = rows.iterator().next().getInteger("version");
                stored.getJsonObject("meta").put("versionId", Integer.toString(version));
                return new Written(new ResourceVersion(type, id, version, now, false, "PUT", stored.encode()), false);
              });
        }))
        .recover(PgResourceStore::mapFailure);
  }

  @Override
  public Future<Written> patch(String type, String id, Integer ifMatch, Function<String, JsonObject> change) {
    return transaction(conn -> conn.preparedQuery(FhirSql.LOCK_CURRENT).execute(Tuple.of(type, id))
        .compose(rows -> {
          Row row = single(rows, "no resource of this type has this id");
          if (row.getBoolean("deleted")) {
            throw new StoreException(Reason.GONE, "the resource was deleted");
          }
          int current = row.getInteger("version");
          if (ifMatch != null && ifMatch != current) {
            throw new StoreException(Reason.VERSION_MISMATCH,
                "If-Match names version " + ifMatch + " but the current version is " + current);
          }
          Instant now = now();
          JsonObject stored = stamp(change.apply(phi.reveal(type, id, row.getString("content"))), id, current + 1, now);
          return conn.preparedQuery(FhirSql.PATCH_WRITE)
              .execute(Tuple.of(row.getLong("res_pk"), current + 1, utc(now), phi.conceal(type, id, stored),
                  indexer.rows(type, stored)))
              .map(written -> new Written(
                  new ResourceVersion(type, id, current + 1, now, false, "PATCH", stored.encode()), false));
        }))
        .recover(PgResourceStore::mapFailure);
  }

  @Override
  public Future<ResourceVersion> delete(String type, String id, Integer ifMatch) {
    Instant now = now();
    return client.preparedQuery(FhirSql.DELETE).execute(Tuple.of(type, id, utc(now), ifMatch)).compose(rows -> {
      if (rows.size() == 1) {
        Row row = rows.iterator().next();
        return Future.succeededFuture(new ResourceVersion(type, id, row.getInteger("version"), instant(row), true,
            "DELETE", null));
      }
      return client.preparedQuery(FhirSql.READ).execute(Tuple.of(type, id)).map(current -> {
        Row row = single(current, "no resource of this type has this id");
        if (!row.getBoolean("deleted")) {
          throw new StoreException(Reason.VERSION_MISMATCH, "If-Match names version " + ifMatch
              + " but the current version is " + row.getInteger("version"));
        }
        return new ResourceVersion(type, id, row.getInteger("version"), instant(row), true, "DELETE", null);
      });
    }).recover(PgResourceStore::mapFailure);
  }

  @Override
  public Future<HistoryPage> history(HistoryQuery query) {
    OffsetDateTime since = query.since() == null ? BEGINNING : utc(query.since());
    HistoryCursor after = query.after();
    int limit = query.count() + 1; // one more than asked says whether there is a next page
    if (query.instance()) {
      return client.preparedQuery(FhirSql.READ).execute(Tuple.of(query.type(), query.id())).compose(rows -> {
        long pk = single(rows, "no resource of this type has this id").getLong("res_pk");
        Future<RowSet<Row>> page = query.count() == 0 ? Future.succeededFuture(null)
            : client.preparedQuery(FhirSql.HISTORY_INSTANCE).execute(Tuple.of(pk, since, after.version(), limit));
        Future<RowSet<Row>> total = client.preparedQuery(FhirSql.HISTORY_INSTANCE_COUNT).execute(Tuple.of(pk, since));
        return Future.all(page, total).map(both -> page(page.result(), query.count(),
            total.result().iterator().next().getLong("total").intValue()));
      });
    }
    if (query.count() == 0) {
      return Future.succeededFuture(new HistoryPage(List.of(), null, null));
    }
    OffsetDateTime below = utc(HistoryCursor.instant(after.lastUpdatedMicros()));
    Tuple params = query.type() != null
        ? Tuple.of(query.type(), since, below, after.resourcePk(), after.version(), limit)
        : Tuple.of(since, below, after.resourcePk(), after.version(), limit);
    return client.preparedQuery(query.type() != null ? FhirSql.HISTORY_TYPE : FhirSql.HISTORY_SYSTEM).execute(params)
        .map(rows -> page(rows, query.count(), null));
  }

  private HistoryPage page(RowSet<Row> rows, int count, Integer total) {
    List<ResourceVersion> entries = new ArrayList<>();
    HistoryCursor next = null;
    long lastPk = 0;
    if (rows != null) {
      for (Row row : rows) {
        if (entries.size() == count) {
          ResourceVersion last = entries.get(entries.size() - 1);
          next = new HistoryCursor(HistoryCursor.micros(last.lastUpdated()), lastPk, last.version());
          break;
        }
        String method = row.getString("method");
        String type = row.getString("res_type");
        String id = row.getString("res_id");
        String content = row.getString("content");
        entries.add(new ResourceVersion(type, id, row.getInteger("version"), instant(row), "DELETE".equals(method),
            method, content == null ? null : phi.reveal(type, id, content)));
        lastPk = row.getLong("res_pk");
      }
    }
    return new HistoryPage(entries, next, total);
  }

  /** Sets id, meta.versionId and meta.lastUpdated (server-controlled; whatever the client sent is replaced). */
  static JsonObject stamp(JsonObject resource, String id, int version, Instant lastUpdated) {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("versionId", Integer.toString(version));
    meta.put("lastUpdated", lastUpdated.toString());
    if (resource.getValue("meta") instanceof JsonObject given) {
      given.forEach(entry -> meta.putIfAbsent(entry.getKey(), entry.getValue()));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("resourceType", resource.getValue("resourceType"));
    out.put("id", id);
    out.put("meta", new JsonObject(meta));
    resource.forEach(entry -> out.putIfAbsent(entry.getKey(), entry.getValue()));
    return new JsonObject(out);
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(Row row) {
    return row.getOffsetDateTime("last_updated").toInstant();
  }

  private static Row single(RowSet<Row> rows, String notFound) {
    if (rows.size() == 0) {
      throw new StoreException(Reason.NOT_FOUND, notFound);
    }
    return rows.iterator().next();
  }

  private static <T> Future<T> mapFailure(Throwable failure) {
    if (failure instanceof PgException pg) {
      String state = pg.getSqlState();
      if (UNIQUE_VIOLATION.equals(state)) {
        return Future.failedFuture(new StoreException(Reason.CONFLICT,
            "another request created this resource at the same time; retry"));
      }
      if (SERIALIZATION_FAILURE.equals(state) || DEADLOCK.equals(state)) {
        return Future.failedFuture(new StoreException(Reason.CONFLICT,
            "a concurrent write to this resource conflicted; retry"));
      }
    }
    return Future.failedFuture(failure);
  }
}
