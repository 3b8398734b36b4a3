package io.bastion.fhir.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The indexes and key constraints of a set of tables, as the catalog defines them now, so that a bulk load
 * can drop them and build them again from the same definitions afterwards: whatever a migration added is
 * rebuilt without being listed here. Used inside one transaction, so that DDL's transactional rollback puts
 * every index back when the load fails or its connection dies.
 */
final class StoreIndexes {

  /** One index or constraint: {@code table} and {@code name} as the catalog quotes them. */
  record Definition(String table, String name, boolean constraint, String definition) {

    String dropSql() {
      return constraint ? "ALTER TABLE " + table + " DROP CONSTRAINT " + name : "DROP INDEX " + name;
    }

    String createSql() {
      return constraint ? "ALTER TABLE " + table + " ADD CONSTRAINT " + name + " " + definition : definition;
    }
  }

  /*
   * Creation order: primary keys and unique constraints, then the foreign keys that need them, then the
   * indexes no constraint owns. Identifiers come from the catalog, quoted by PostgreSQL (regclass output,
   * quote_ident): DDL takes no parameters.
   */
  private static final String READ = """
      SELECT conrelid::regclass::text AS tbl, quote_ident(conname) AS name, true AS is_constraint,
             pg_get_constraintdef(oid) AS definition, CASE WHEN contype = 'f' THEN 1 ELSE 0 END AS step
        FROM pg_constraint
       WHERE conrelid = ANY (?::text[]::regclass[]) AND contype IN ('p', 'u', 'x', 'f')
      UNION ALL
      SELECT i.indrelid::regclass::text, i.indexrelid::regclass::text, false,
             pg_get_indexdef(i.indexrelid), 2
        FROM pg_index i
       WHERE i.indrelid = ANY (?::text[]::regclass[])
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                          WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid AND c.contype IN ('p', 'u', 'x'))
       ORDER BY step, tbl, name""";

  private static final int SLOWEST = 4;
  private final List<Definition> definitions;

  private StoreIndexes(List<Definition> definitions) {
    this.definitions = definitions;
  }

  /**
   * Reads the definitions of the tables' primary keys, unique, exclusion and foreign-key constraints and of
   * every other index on them (check and not-null constraints cost nothing to keep, and stay).
   */
  static StoreIndexes read(Connection connection, List<String> tables) throws SQLException {
    List<Definition> definitions = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(READ)) {
      java.sql.Array names = connection.createArrayOf("text", tables.toArray());
      statement.setArray(1, names);
      statement.setArray(2, names);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          definitions.add(new Definition(rows.getString("tbl"), rows.getString("name"), rows.getBoolean("is_constraint"),
              rows.getString("definition")));
        }
      }
    }
    return new StoreIndexes(List.copyOf(definitions));
  }

  List<Definition> definitions() {
    return definitions;
  }

  /** Drops them all, in the reverse of the creation order (foreign keys before the keys they use). */
  void drop(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      for (int i = definitions.size() - 1; i >= 0; i--) {
        statement.execute(definitions.get(i).dropSql());
      }
    }
  }

  /** Builds them all again, in creation order; returns the slowest builds, "name: ms", slowest first. */
  List<String> create(Connection connection) throws SQLException {
    List<Map.Entry<String, Long>> millis = new ArrayList<>();
    try (Statement statement = connection.createStatement()) {
      for (Definition definition : definitions) {
        long started = System.nanoTime();
        statement.execute(definition.createSql());
        millis.add(Map.entry(definition.name(), (System.nanoTime() - started) / 1_000_000));
      }
    }
    return millis.stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(SLOWEST)
        .map(e -> e.getKey() + ": " + e.getValue() + " ms").toList();
  }
}
