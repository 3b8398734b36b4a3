package io.bastion.fhir.store;

import io.bastion.db.ConnectionLoss;
import io.bastion.fhir.search.IndexRows;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Plain creates of concurrent requests written together: on each event loop, while {@link #IN_FLIGHT} create
 * statements are running, the creates that arrive wait and then go as one {@link FhirSql#insertMany} statement.
 * A lone create is written at once by the single statement, so batching adds no wait; under load a statement
 * carries several creates and pays its fixed costs (executor start-up, relations opened and locked, protocol,
 * commit and WAL flush) once: PostgreSQL spent about half as much CPU per Patient in statements of four
 * (docs/benchmarks.md, branch createcut).
 *
 * <p>Each create is acknowledged only when the statement holding it has committed, as before. A statement of
 * several that PostgreSQL refuses is retried create by create, so that each gets its own outcome (e.g. a conflict
 * on one id fails that create only); one whose connection was lost fails every create in it, as it would have
 * failed each alone. Everything of one loop runs on that loop's thread, so no locking.
 */
final class CreateBatches {

  /** Statements of one event loop running at once; more creates wait for one of them. */
  static final int IN_FLIGHT = 2;
  /** Creates in one statement at most. */
  static final int MAX_BATCH = 32;

  /** One create, ready to write: its content sealed, its index rows built. */
  record Pending(String type, String id, OffsetDateTime lastUpdated, String sealed, IndexRows index,
      Promise<Void> written) {
  }

  private final Pool pool;
  /** Writes one create by the single statement; its future carries the store's mapped failure. */
  private final Function<Pending, Future<Void>> single;
  private final Map<Context, Loop> loops = new ConcurrentHashMap<>();
  /** Statements written with several creates (for tests). */
  private final AtomicLong statementsOfSeveral = new AtomicLong();

  CreateBatches(Pool pool, Function<Pending, Future<Void>> single) {
    this.pool = pool;
    this.single = single;
  }

  long statementsOfSeveral() {
    return statementsOfSeveral.get();
  }

  /**
   * Writes the create, alone or with others of this event loop; off an event loop, alone. The outcome is
   * delivered on the caller's context (a request's duplicated context), whichever create's statement settles it.
   */
  Future<Void> write(String type, String id, OffsetDateTime lastUpdated, String sealed, IndexRows index) {
    ContextInternal context = (ContextInternal) Vertx.currentContext();
    if (context == null || !context.isEventLoopContext()) {
      return single.apply(new Pending(type, id, lastUpdated, sealed, index, Promise.promise()));
    }
    // keyed by the event loop's own context: every request has a duplicated context of its own
    return loops.computeIfAbsent(context.unwrap(), c -> new Loop())
        .add(new Pending(type, id, lastUpdated, sealed, index, context.promise()));
  }

  /** The creates of one event loop: touched on its thread only. */
  private final class Loop {
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private int running;

    Future<Void> add(Pending create) {
      waiting.add(create);
      if (running < IN_FLIGHT) {
        next();
      }
      return create.written().future();
    }

    private void next() {
      List<Pending> batch = new ArrayList<>(Math.min(waiting.size(), MAX_BATCH));
      while (!waiting.isEmpty() && batch.size() < MAX_BATCH) {
        batch.add(waiting.poll());
      }
      running++;
      Future<Void> written;
      try {
        written = statement(batch);
      } catch (RuntimeException e) { // never leave a create unanswered nor the loop's count behind
        batch.forEach(create -> create.written().tryFail(e));
        written = Future.succeededFuture();
      }
      written.onComplete(done -> {
        running--;
        if (!waiting.isEmpty() && running < IN_FLIGHT) {
          next();
        }
      });
    }
  }

  /** Writes the batch and settles each create's promise; the future completes when all are settled. */
  private Future<Void> statement(List<Pending> batch) {
    if (batch.size() == 1) {
      Pending create = batch.get(0);
      return settle(single.apply(create), create);
    }
    int tables = 0;
    for (Pending create : batch) {
      tables |= create.index().tables();
    }
    statementsOfSeveral.incrementAndGet();
    return pool.preparedQuery(FhirSql.insertMany(tables)).execute(params(batch, tables))
        .<Void>mapEmpty()
        .onSuccess(v -> batch.forEach(create -> create.written().complete()))
        .recover(failure -> {
          if (ConnectionLoss.ofStatement(failure)) {
            // the statement may have committed before the answer was lost: writing again could store a create
            // twice or refuse one that is there, so each fails as a lone create would (503, the client retries)
            batch.forEach(create -> create.written().fail(failure));
            return Future.<Void>succeededFuture();
          }
          // one by one: each create gets its own outcome (e.g. the conflict of one id)
          List<Future<Void>> each = new ArrayList<>(batch.size());
          for (Pending create : batch) {
            each.add(settle(single.apply(create), create));
          }
          return Future.join(each).mapEmpty();
        });
  }

  /** Passes the outcome to the create's promise; the future returned succeeds either way. */
  private static Future<Void> settle(Future<Void> outcome, Pending create) {
    return outcome.transform(result -> {
      if (result.succeeded()) {
        create.written().complete();
      } else {
        create.written().fail(result.cause());
      }
      return Future.<Void>succeededFuture();
    });
  }

  /** The parameters of {@link FhirSql#insertMany}. */
  private static Tuple params(List<Pending> batch, int tables) {
    int n = batch.size();
    String[] types = new String[n];
    String[] ids = new String[n];
    OffsetDateTime[] times = new OffsetDateTime[n];
    String[] contents = new String[n];
    for (int r = 0; r < n; r++) {
      Pending create = batch.get(r);
      types[r] = create.type();
      ids[r] = create.id();
      times[r] = create.lastUpdated();
      contents[r] = create.sealed();
    }
    Tuple params = Tuple.tuple().addArrayOfString(types).addArrayOfString(ids).addArrayOfOffsetDateTime(times)
        .addArrayOfString(contents);
    for (int t = 0; t < IndexRows.TABLES.size(); t++) {
      if ((tables & (1 << t)) == 0) {
        continue;
      }
      int rows = 0;
      for (Pending create : batch) {
        rows += create.index().count(t);
      }
      Long[] owners = new Long[rows];
      int columns = IndexRows.KEYS.get(t).size() + 1;
      String[][] values = new String[columns][rows];
      int at = 0;
      for (int r = 0; r < n; r++) {
        IndexRows index = batch.get(r).index();
        int count = index.count(t);
        for (int c = 0; c < columns; c++) {
          System.arraycopy(index.column(t, c), 0, values[c], at, count);
        }
        for (int i = 0; i < count; i++) {
          owners[at + i] = (long) r + 1;
        }
        at += count;
      }
      params.addArrayOfLong(owners);
      for (String[] column : values) {
        params.addArrayOfString(column);
      }
    }
    return params;
  }
}
