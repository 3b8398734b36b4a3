package io.bastion.fhir.search;

import static io.bastion.fhir.search.SearchHttp.ids;
import static io.bastion.fhir.search.SearchHttp.patient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import db.migration.V16__fhir_shared_index_rows;
import io.bastion.db.PostgresServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.flywaydb.core.api.configuration.Configuration;
import org.flywaydb.core.api.migration.Context;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * V16 on rows the code before it wrote: every sharing parameter's own copies of its sources' values. Made here
 * from the shared rows the current code writes, by copying each source's rows (under its restriction) to the
 * sharing parameter's name, as the old indexer evaluated the parameter's whole expression. After the migration
 * the rows are the current code's, except copies of a string part's rows (address of address-city), which it
 * keeps on purpose, and every search answers as before.
 */
class SharedRowsMigrationTest {

  @RegisterExtension
  static final SearchHttp fhir = new SearchHttp();

  private static final List<String> TABLES = List.of("string", "token", "date", "reference", "number", "quantity",
      "uri", "composite");
  private static final List<String> SEARCHES = List.of("Patient?address=leeds", "Patient?address=ls1",
      "Patient?phonetic=hopper", "Patient?name=grace", "Patient?phone=555", "Patient?email:missing=true",
      "Observation?patient=Patient/%s", "Observation?combo-code=8480-6", "Observation?combo-value-quantity=gt100",
      "Observation?combo-code-value-quantity=8480-6$gt100", "Observation?patient:missing=false");

  @Test
  void removesTheCopiesTheOldCodeWrote() throws Exception {
    String grace = fhir.create(patient("Hopper", "Grace", "1906-12-09")
        .put("address", new JsonArray().add(new JsonObject().put("city", "Leeds").put("postalCode", "LS1")
            .put("district", "Leeds")))
        .put("telecom", new JsonArray().add(new JsonObject().put("system", "phone").put("value", "555"))));
    fhir.create(patient("Nophone", "Nobody", "1950-01-01"));
    fhir.create(new JsonObject().put("resourceType", "Observation").put("status", "final")
        .put("code", new JsonObject().put("coding", new JsonArray().add(new JsonObject().put("code", "85354-9"))))
        .put("subject", new JsonObject().put("reference", "Patient/" + grace))
        .put("component", new JsonArray().add(new JsonObject()
            .put("code", new JsonObject().put("coding", new JsonArray().add(new JsonObject().put("code", "8480-6"))))
            .put("valueQuantity", new JsonObject().put("value", 120).put("code", "mm[Hg]")))));
    Map<String, JsonObject> before = answers(grace);
    PostgresServer server = fhir.node.node().postgres();
    try (Connection c = DriverManager.getConnection(server.jdbcUrl(), server.options().getUser(),
        server.options().getPassword())) {
      Map<String, Integer> shared = rowCounts(c);
      int copies = writeOldCopies(c);
      assertTrue(copies > 10, "the old code's copies: " + copies);
      new V16__fhir_shared_index_rows().migrate(new Context() {
        @Override
        public Configuration getConfiguration() {
          return null;
        }

        @Override
        public Connection getConnection() {
          return c;
        }
      });
      Map<String, Integer> after = rowCounts(c);
      Map<String, Integer> kept = new TreeMap<>(shared);
      // address's copies of address-city (Leeds is also the district: one row) and -postalcode stay
      kept.merge("Patient address", 1, Integer::sum);
      // name's copies of family and given, for both patients
      kept.merge("Patient name", 4, Integer::sum);
      assertEquals(kept, after);
    }
    assertEquals(before, answers(grace), "every search answers as before");
  }

  private static Map<String, JsonObject> answers(String grace) {
    Map<String, JsonObject> out = new TreeMap<>();
    for (String search : SEARCHES) {
      String query = search.formatted(grace);
      out.put(query, new JsonObject().put("ids", new JsonArray(List.copyOf(ids(fhir.search(query))))));
    }
    return out;
  }

  /** For each sharing parameter, its sources' rows copied under its own name, once per distinct value. */
  private static int writeOldCopies(Connection c) throws Exception {
    int copies = 0;
    for (SearchParameter p : SearchParameters.r4().all()) {
      StoredRows rows = p.rows();
      if (rows.owned(p.code())) {
        continue;
      }
      String table = "fhir_idx_" + p.type().code();
      String columns = String.join(", ", columns(c, table));
      String[] names = rows.sources().stream().map(StoredRows.Source::name).filter(n -> !n.equals(p.code()))
          .toArray(String[]::new);
      String restriction = rows.column() == null ? "" : " AND " + rows.column() + " = '" + rows.value() + "'";
      try (var s = c.prepareStatement("INSERT INTO " + table + " (res_pk, res_type, name, " + columns + ")"
          + " SELECT DISTINCT res_pk, res_type, ?, " + columns + " FROM " + table + " t WHERE res_type = ?"
          + " AND name = ANY (?)" + restriction + " AND NOT EXISTS (SELECT 1 FROM " + table + " o WHERE o.res_pk = t.res_pk"
          + " AND o.name = ?" + same(columns(c, table)) + ")")) {
        s.setString(1, p.code());
        s.setString(2, p.base());
        s.setArray(3, c.createArrayOf("text", names));
        s.setString(4, p.code());
        copies += s.executeUpdate();
      }
    }
    return copies;
  }

  private static String same(List<String> columns) {
    StringBuilder out = new StringBuilder();
    columns.forEach(col -> out.append(" AND o.").append(col).append(" IS NOT DISTINCT FROM t.").append(col));
    return out.toString();
  }

  private static List<String> columns(Connection c, String table) throws Exception {
    List<String> out = new java.util.ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT column_name FROM information_schema.columns"
        + " WHERE table_name = '" + table + "' AND column_name NOT IN ('res_pk', 'res_type', 'name') ORDER BY ordinal_position")) {
      while (r.next()) {
        out.add(r.getString(1));
      }
    }
    return out;
  }

  private static Map<String, Integer> rowCounts(Connection c) throws Exception {
    Map<String, Integer> out = new TreeMap<>();
    for (String table : TABLES) {
      try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT res_type || ' ' || name, count(*) FROM fhir_idx_"
          + table + " GROUP BY 1")) {
        while (r.next()) {
          out.put(r.getString(1), r.getInt(2));
        }
      }
    }
    return out;
  }
}
