package io.bastion.fhir.phi;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * After a key rotation, moves every sealed value to the active data key: current versions first, then the
 * history, in primary-key order, {@code batch} rows per round trip. Decrypting and sealing run on a worker
 * (a batch is tens of milliseconds of CPU). A row updated meanwhile is skipped by its version guard: the
 * writer already sealed it under the active key. Retired keys stay in {@code phi_key}: backups taken before
 * the rotation still need them.
 */
final class PhiReencryption {

  private static final String CURRENT_PAGE = "SELECT res_pk, 0 AS hv, res_type, res_id, version, content::text AS content "
      + "FROM fhir_resource WHERE res_pk > $1 AND content IS NOT NULL ORDER BY res_pk LIMIT $3";
  private static final String HISTORY_PAGE = "SELECT res_pk, version AS hv, res_type, res_id, version, "
      + "content::text AS content FROM fhir_resource_history WHERE (res_pk, version) > ($1, $2) "
      + "AND content IS NOT NULL ORDER BY res_pk, version LIMIT $3";
  private static final String CURRENT_UPDATE =
      "UPDATE fhir_resource SET content = $3::jsonb WHERE res_pk = $1 AND version = $2";
  private static final String HISTORY_UPDATE =
      "UPDATE fhir_resource_history SET content = $3::jsonb WHERE res_pk = $1 AND version = $2";

  private final Vertx vertx;
  private final Pool pool;
  private final PhiCipher cipher;
  private final int batch;
  final AtomicLong scanned = new AtomicLong();
  final AtomicLong rewritten = new AtomicLong();

  PhiReencryption(Vertx vertx, Pool pool, PhiCipher cipher, int batch) {
    this.vertx = vertx;
    this.pool = pool;
    this.cipher = cipher;
    this.batch = batch;
  }

  Future<Void> run() {
    return table(CURRENT_PAGE, CURRENT_UPDATE, 0, 0).compose(v -> table(HISTORY_PAGE, HISTORY_UPDATE, 0, 0));
  }

  private Future<Void> table(String page, String update, long afterPk, int afterVersion) {
    return pool.preparedQuery(page).execute(Tuple.of(afterPk, afterVersion, batch)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture();
      }
      Row last = lastOf(rows);
      long nextPk = last.getLong("res_pk");
      int nextVersion = last.getInteger("hv");
      scanned.addAndGet(rows.size());
      return vertx.executeBlocking(() -> resealed(rows), false)
          .compose(updates -> updates.isEmpty() ? Future.succeededFuture()
              : pool.preparedQuery(update).executeBatch(updates).map(done -> {
                rewritten.addAndGet(updates.size());
                return null;
              }))
          .compose(v -> table(page, update, nextPk, nextVersion));
    });
  }

  private List<Tuple> resealed(RowSet<Row> rows) {
    List<Tuple> updates = new ArrayList<>();
    for (Row row : rows) {
      String content = row.getString("content");
      if (!cipher.needsReencryption(content)) {
        continue;
      }
      String type = row.getString("res_type");
      String id = row.getString("res_id");
      JsonObject plain = new JsonObject(cipher.reveal(type, id, content));
      updates.add(Tuple.of(row.getLong("res_pk"), row.getInteger("version"), cipher.conceal(type, id, plain)));
    }
    return updates;
  }

  private static Row lastOf(RowSet<Row> rows) {
    Row last = null;
    for (Row row : rows) {
      last = row;
    }
    return last;
  }
}
