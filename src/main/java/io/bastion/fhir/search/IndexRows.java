package io.bastion.fhir.search;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The search-index rows of one resource, grouped by table, each row its parameter name and its values in
 * column order. A create sends them to PostgreSQL as one text array per column ({@link #column}), which it
 * unnests; every other write sends {@link #json()}, the same rows as one JSON object. Building rows as
 * arrays, not as a JSON object per row, spares the create path an object, a map and a JSON encoding per row.
 *
 * <p>Tables and keys are in the order of the store's index tables (its SQL checks that they agree). A composite
 * row fills only the columns of its second component's type: the others are {@link #ABSENT} (left out of the
 * JSON form, NULL in the table, as a missing JSON key always was).
 */
public final class IndexRows {

  /** The tables' JSON names, in the store's order. */
  public static final List<String> TABLES = List.of("string", "token", "date", "reference", "number", "quantity",
      "uri", "composite", "string_date");
  /** The JSON keys of each table's value columns (after the parameter name, "n"), in column order. */
  public static final List<List<String>> KEYS = List.of(List.of("v", "e"), List.of("s", "c", "t"), List.of("l", "h"),
      List.of("tt", "ti", "u"), List.of("v"), List.of("s", "c", "v"), List.of("u"),
      List.of("s", "c", "vs", "vc", "vn", "vl", "vh", "vt"), List.of("v", "e", "l", "h"));

  static final int STRING = 0;
  static final int TOKEN = 1;
  static final int DATE = 2;
  static final int REFERENCE = 3;
  static final int NUMBER = 4;
  static final int QUANTITY = 5;
  static final int URI = 6;
  static final int COMPOSITE = 7;
  /** Paired string and date rows ({@link PairedIndex}). */
  static final int STRING_DATE = 8;

  /** A column the row does not have (composite rows only); compared by identity. */
  @SuppressWarnings("StringOperationCanBeSimplified")
  static final String ABSENT = new String("absent");

  @SuppressWarnings("unchecked")
  private final List<String[]>[] rows = new List[TABLES.size()];

  /**
   * Adds a row unless the same row is already there (a name given twice indexes once). {@code row[0]} is the
   * parameter name, the rest the table's values in {@link #KEYS} order.
   */
  void add(int table, String[] row) {
    List<String[]> list = rows[table];
    if (list == null) {
      list = new ArrayList<>(4);
      rows[table] = list;
    } else {
      for (String[] other : list) {
        if (same(row, other)) {
          return;
        }
      }
    }
    list.add(row);
  }

  /**
   * Rows are the same when every column is, compared as the JSON rows' keys and values once were (as text: a
   * null value and the text "null" compare equal, as they always did). A resource has a few dozen rows, so a
   * scan of its table costs less than a key string per row and a hash set.
   */
  private static boolean same(String[] a, String[] b) {
    for (int c = 0; c < a.length; c++) {
      String x = a[c];
      String y = b[c];
      if (x != y && (x == ABSENT || y == ABSENT || !String.valueOf(x).equals(String.valueOf(y)))) {
        return false;
      }
    }
    return true;
  }

  /** The rows of table t, each its parameter name then its values in {@link #KEYS} order; do not change them. */
  List<String[]> rows(int table) {
    return rows[table] == null ? List.of() : rows[table];
  }

  /** Bit t set: table t ({@link #TABLES}) has rows. */
  public int tables() {
    int tables = 0;
    for (int t = 0; t < rows.length; t++) {
      if (rows[t] != null) {
        tables |= 1 << t;
      }
    }
    return tables;
  }

  /** The number of rows of table t. */
  public int count(int table) {
    return rows[table] == null ? 0 : rows[table].size();
  }

  /** Column c of table t's rows (0: the parameter name, then the {@link #KEYS}); an absent value is null. */
  public String[] column(int table, int column) {
    List<String[]> list = rows[table];
    String[] values = new String[list == null ? 0 : list.size()];
    for (int r = 0; r < values.length; r++) {
      String value = list.get(r)[column];
      values[r] = value == ABSENT ? null : value;
    }
    return values;
  }

  /** The rows as one JSON object: per non-empty table an array of {@code {"n": name, key: value…}}. */
  public JsonObject json() {
    JsonObject json = new JsonObject();
    for (int t = 0; t < rows.length; t++) {
      if (rows[t] == null) {
        continue;
      }
      List<String> keys = KEYS.get(t);
      JsonArray list = new JsonArray(new ArrayList<>(rows[t].size()));
      for (String[] row : rows[t]) {
        JsonObject object = new JsonObject().put("n", row[0]);
        for (int c = 1; c < row.length; c++) {
          if (row[c] != ABSENT) {
            object.put(keys.get(c - 1), row[c]);
          }
        }
        list.add(object);
      }
      json.put(TABLES.get(t), list);
    }
    return json;
  }
}
