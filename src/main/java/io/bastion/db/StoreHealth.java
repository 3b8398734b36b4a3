package io.bastion.db;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Live checks of the stores, in the shape of the health+json draft (checks keyed "component:measurement").
 * PostgreSQL down fails readiness; Redis down or absent only warns, because every feature has a local mode.
 */
public final class StoreHealth {

  public static final String PASS = "pass";
  public static final String WARN = "warn";
  public static final String FAIL = "fail";
  private static final long TIMEOUT_MS = 1000;

  private final Pool pool;
  private final PostgresServer postgres;
  private final RedisStore redis;
  private final String schemaVersion;

  public StoreHealth(Pool pool, PostgresServer postgres, RedisStore redis, String schemaVersion) {
    this.pool = pool;
    this.postgres = postgres;
    this.redis = redis;
    this.schemaVersion = schemaVersion;
  }

  /** Runs the checks; never fails, a failing store is a "fail" entry. */
  public Future<JsonObject> check() {
    Future<JsonObject> pg = timed(pool.query("SELECT 1").execute().mapEmpty())
        .map(ms -> entry(PASS, ms, postgres.source().label()))
        .otherwise(e -> entry(FAIL, null, "unreachable: " + e.getMessage()));
    Future<JsonObject> rd = redis.local()
        ? Future.succeededFuture(entry(WARN, null, "local mode: " + redis.reason()))
        : timed(redis.client().send(Request.cmd(Command.PING)).mapEmpty())
            .map(ms -> entry(PASS, ms, redis.where()))
            .otherwise(e -> entry(WARN, null, "unreachable, features fall back to local state: " + e.getMessage()));
    return Future.join(pg, rd).map(done -> new JsonObject()
        .put("postgres:connection", new JsonArray().add(pg.result().put("componentType", "datastore")))
        .put("postgres:migrations", new JsonArray().add(new JsonObject().put("status", PASS)
            .put("observedValue", schemaVersion).put("componentType", "datastore")))
        .put("redis:connection", new JsonArray().add(rd.result().put("componentType", "datastore"))));
  }

  /** The worst status among the checks: fail beats warn beats pass. */
  public static String overall(JsonObject checks) {
    String worst = PASS;
    for (String name : checks.fieldNames()) {
      for (Object item : checks.getJsonArray(name)) {
        String status = ((JsonObject) item).getString("status");
        if (FAIL.equals(status)) {
          return FAIL;
        }
        if (WARN.equals(status)) {
          worst = WARN;
        }
      }
    }
    return worst;
  }

  public PostgresServer postgres() {
    return postgres;
  }

  public RedisStore redis() {
    return redis;
  }

  private Future<Double> timed(Future<Void> probe) {
    long start = System.nanoTime();
    return probe.timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS).map(v -> (System.nanoTime() - start) / 1e6);
  }

  private static JsonObject entry(String status, Double latencyMs, String output) {
    JsonObject entry = new JsonObject().put("status", status).put("time", Instant.now().toString());
    if (latencyMs != null) {
      entry.put("observedValue", Math.round(latencyMs * 100) / 100.0).put("observedUnit", "ms");
    }
    return entry.put("output", output);
  }
}
