package io.bastion.fhir.search;

import static io.bastion.fhir.search.SearchHttp.ids;
import static io.bastion.fhir.search.SearchHttp.patient;
import static io.bastion.fhir.search.SearchHttp.set;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The index always describes the current version, also when writes to one resource race. */
class SearchIndexConsistencyTest {

  @RegisterExtension
  static final SearchHttp fhir = new SearchHttp();

  private static long indexRows(String id, String name) {
    return fhir.node.node().pool().preparedQuery("SELECT count(*) AS n FROM fhir_idx_string s JOIN fhir_resource r"
            + " ON r.res_pk = s.res_pk WHERE r.res_id = $1 AND s.name = $2")
        .execute(io.vertx.sqlclient.Tuple.of(id, name)).map(rows -> rows.iterator().next().getLong("n")).await();
  }

  @Test
  void racingUpdatesLeaveExactlyTheWinnersIndexRows() {
    String id = fhir.create(patient("Racer", "Start", "1970-01-01"));
    for (int round = 0; round < 5; round++) {
      List<Future<?>> updates = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        JsonObject body = patient("Racer" + round + "x" + i, "G", "1970-01-01").put("id", id);
        updates.add(fhir.node.call(() -> fhir.node.client().request(HttpMethod.PUT, "/fhir/Patient/" + id)
            .putHeader("Content-Type", "application/fhir+json").sendBuffer(Buffer.buffer(body.encode()))));
      }
      Future.join(updates).await();
      assertEquals(1L, indexRows(id, "family"), "one family name in the index after round " + round);
    }
    String family = fhir.search("Patient?_id=" + id).getJsonArray("entry").getJsonObject(0).getJsonObject("resource")
        .getJsonArray("name").getJsonObject(0).getString("family");
    assertEquals(set(id), ids(fhir.search("Patient?family:exact=" + family)));
  }

  @Test
  void patchAndRevivalReindex() {
    String id = fhir.create(patient("Patcher", "A", "1970-01-01"));
    var patched = fhir.node.send(HttpMethod.PATCH, "/fhir/Patient/" + id,
        java.util.Map.of("Content-Type", "application/json-patch+json"),
        Buffer.buffer("[{\"op\":\"replace\",\"path\":\"/name/0/family\",\"value\":\"Patched\"}]"));
    assertEquals(200, patched.statusCode(), patched.bodyAsString());
    assertEquals(set(), ids(fhir.search("Patient?family=patcher")));
    assertEquals(set(id), ids(fhir.search("Patient?family=patched")));
    fhir.node.send(HttpMethod.DELETE, "/fhir/Patient/" + id, java.util.Map.of(), null);
    assertEquals(0L, indexRows(id, "family"));
    // searches find their page in the index tables alone: a deleted resource must have left them
    assertEquals(set(), ids(fhir.search("Patient?family=patched&birthdate=ge1960")));
    fhir.node.send(HttpMethod.PUT, "/fhir/Patient/" + id, java.util.Map.of("Content-Type", "application/fhir+json"),
        Buffer.buffer(patient("Revived", "A", "1970-01-01").put("id", id).encode()));
    assertEquals(set(id), ids(fhir.search("Patient?family=revived")));
  }
}
