package io.bastion.db;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.impl.PgPoolOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One pipelined PostgreSQL connection per event-loop thread, for the hot path's short single-row statements
 * (a FHIR read by id). The statements of the requests a loop handles in one turn leave in one write and their
 * rows come back in one read, on a connection that lives on the loop that runs the requests; from the shared
 * pool, each statement took a connection of its own, with a write, a read and a wake-up on both sides
 * (docs/benchmarks.md, "Reads by id on one pipelined connection per event loop").
 *
 * <p>Only for statements that answer quickly with little data: PostgreSQL answers a connection's statements in
 * order, so a slow one would hold up those queued behind it. Off an event loop, after {@link #close}, and on
 * more event-loop threads than there are pipelines, the shared pool answers. Each pipeline is a pool of one
 * connection (so it reconnects by itself after its connection died; the statements in flight on it then fail
 * like those of a pooled connection), built here, outside any verticle, so no verticle's undeployment closes
 * it; its connection is opened by the first thread that uses it, on that thread's event loop, and only that
 * thread uses it.
 */
public final class LoopPipelines {

  static final String POOL_NAME = "bastion-pipelined";

  private final Pool shared;
  private final Pool[] pipelines;
  private final AtomicInteger assigned = new AtomicInteger();
  private final ThreadLocal<SqlClient> byThread = new ThreadLocal<>();
  private volatile boolean closed;

  /**
   * @param count one per event-loop thread of {@code vertx} (threads beyond it use {@code shared})
   * @param shared answers off the event loops and after {@link #close}
   */
  public LoopPipelines(Vertx vertx, PgConnectOptions options, Pool shared, int count) {
    this.shared = shared;
    this.pipelines = new Pool[count];
    // named, so that an operator tells them from the pooled connections in pg_stat_activity
    PgConnectOptions named = new PgConnectOptions(options).addProperty("application_name", POOL_NAME);
    for (int i = 0; i < count; i++) {
      pipelines[i] = PgBuilder.pool()
          .with(new PgPoolOptions(new PoolOptions().setMaxSize(1).setName(POOL_NAME).setShared(false)).setPipelined(true))
          .connectingTo(named)
          .using(vertx)
          .build();
    }
  }

  /** The client for a short statement issued from the current thread. */
  public SqlClient client() {
    if (closed || !Context.isOnEventLoopThread()) {
      return shared;
    }
    SqlClient client = byThread.get();
    if (client == null) {
      int index = assigned.getAndIncrement();
      client = index < pipelines.length ? pipelines[index] : shared;
      byThread.set(client);
    }
    return client;
  }

  /** Closes every pipeline; later statements go to the shared pool. */
  public Future<Void> close() {
    closed = true;
    List<Future<Void>> closing = new ArrayList<>();
    for (Pool pipeline : pipelines) {
      closing.add(pipeline.close());
    }
    return Future.join(closing).mapEmpty();
  }
}
