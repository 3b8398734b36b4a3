package io.bastion.fhir.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.testsupport.TestNode;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Every read path of the store has an index to use: with sequential scans priced out, no plan falls back
 * to one, and the history pages come out of the index already ordered (no Sort node).
 */
class FhirSqlPlanTest {

  private static final OffsetDateTime T = OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
  private static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.startWithout(Map.of());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"READ", "LOCK_CURRENT", "VREAD", "HISTORY_INSTANCE", "HISTORY_INSTANCE_COUNT", "HISTORY_TYPE",
      "HISTORY_SYSTEM", "UPDATE", "DELETE", "PATCH_WRITE"})
  void usesAnIndex(String statement) throws Exception {
    String sql = (String) FhirSql.class.getDeclaredField(statement).get(null);
    Tuple params = switch (statement) {
      case "READ", "LOCK_CURRENT" -> Tuple.of("Patient", "x");
      case "VREAD" -> Tuple.of("Patient", "x", 1);
      case "HISTORY_INSTANCE" -> Tuple.of(1L, T, 5, 10);
      case "HISTORY_INSTANCE_COUNT" -> Tuple.of(1L, T);
      case "HISTORY_TYPE" -> Tuple.of("Patient", T, T, 1L, 1, 10);
      case "HISTORY_SYSTEM" -> Tuple.of(T, T, 1L, 1, 10);
      case "UPDATE" -> Tuple.of("Patient", "x", T, new io.vertx.core.json.JsonObject().put("meta",
          new io.vertx.core.json.JsonObject()), 1, "PUT", new io.vertx.core.json.JsonObject());
      case "DELETE" -> Tuple.of("Patient", "x", T, 1);
      case "PATCH_WRITE" -> Tuple.of(1L, 2, T, new io.vertx.core.json.JsonObject(), new io.vertx.core.json.JsonObject());
      default -> throw new IllegalArgumentException(statement);
    };
    String plan = node.node().pool().withTransaction(conn -> conn.query("SET LOCAL enable_seqscan = off").execute()
            .compose(v -> conn.preparedQuery("EXPLAIN " + sql).execute(params)))
        .map(rows -> StreamSupport.stream(rows.spliterator(), false).map(Row::toJson).map(Object::toString)
            .collect(Collectors.joining("\n")))
        .await();
    assertFalse(plan.contains("Seq Scan"), statement + ":\n" + plan);
    assertTrue(plan.contains("Index"), statement + ":\n" + plan);
    if (statement.startsWith("HISTORY_TYPE") || statement.startsWith("HISTORY_SYSTEM")
        || statement.equals("HISTORY_INSTANCE")) {
      assertFalse(plan.contains("Sort"), statement + " should be ordered by its index:\n" + plan);
    }
  }
}
