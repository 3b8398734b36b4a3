package io.bastion.fhir.search;

import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * EXPLAINs a page statement the way a pooled session runs it: prepared, then executed under a
 * {@code plan_cache_mode}. ({@code EXPLAIN <statement>} sent with bound parameters is planned with their values
 * whatever the mode, so it never shows the generic plan a session with {@code force_generic_plan} runs.)
 */
final class PagePlans {

  private PagePlans() {
  }

  static String explain(Pool pool, PgSearchService.Statement page, String mode) {
    List<String> values = new ArrayList<>();
    for (int i = 0; i < page.params().size(); i++) {
      values.add(literal(page.params().getValue(i)));
    }
    return pool.withConnection(conn -> conn.query("SET plan_cache_mode = " + mode).execute()
            .compose(v -> conn.query("PREPARE page_plan AS " + page.sql()).execute())
            .compose(v -> conn.query("EXPLAIN EXECUTE page_plan(" + String.join(", ", values) + ")").execute())
            .eventually(() -> conn.query("DEALLOCATE page_plan").execute()
                .compose(v -> conn.query("RESET plan_cache_mode").execute())))
        .map(rows -> StreamSupport.stream(rows.spliterator(), false).map(Row::toJson).map(j -> j.getString("QUERY PLAN"))
            .collect(Collectors.joining("\n")))
        .await();
  }

  /** A parameter as an untyped SQL literal: PREPARE inferred each parameter's type from where it is used. */
  private static String literal(Object value) {
    if (value == null) {
      return "NULL";
    }
    String text;
    if (value.getClass().isArray()) {
      List<String> elements = new ArrayList<>();
      for (int i = 0; i < Array.getLength(value); i++) {
        Object element = Array.get(value, i);
        elements.add(element == null ? "NULL"
            : "\"" + element.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
      }
      text = "{" + String.join(",", elements) + "}";
    } else {
      text = value.toString();
    }
    return "'" + text.replace("'", "''") + "'";
  }
}
