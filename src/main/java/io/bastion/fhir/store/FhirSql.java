package io.bastion.fhir.store;

import io.bastion.fhir.search.IndexRows;
import java.util.ArrayList;
import java.util.List;

/**
 * Every SQL statement of the FHIR store, parameterised. Writes are single statements (a data-modifying
 * CTE that changes the current row and appends the history row), so each is atomic and costs one round
 * trip; patch, which must read before it writes, runs in an explicit transaction with a row lock. The
 * search-index rows of the resource are replaced (or, on delete, removed) by further members of the same
 * statement, so the index never disagrees with the current version.
 */
final class FhirSql {

  private FhirSql() {
  }

  private static final String HISTORY_COLUMNS = "res_pk, version, res_type, res_id, last_updated, method, content";

  /** The search-index tables and the columns their rows carry (JSON key, column name, SQL type). */
  static final String[][] INDEX_TABLES = {
      {"string", "fhir_idx_string", "v value_norm text, e value_exact text"},
      {"token", "fhir_idx_token", "s system text, c code text, t text_norm text"},
      {"date", "fhir_idx_date", "l low timestamptz, h high timestamptz"},
      {"reference", "fhir_idx_reference", "tt target_type text, ti target_id text, u url text"},
      {"number", "fhir_idx_number", "v value numeric"},
      {"quantity", "fhir_idx_quantity", "s system text, c code text, v value numeric"},
      {"uri", "fhir_idx_uri", "u uri text"},
      {"composite", "fhir_idx_composite", "s system text, c code text, vs v_system text, vc v_code text, "
          + "vn v_number numeric, vl v_low timestamptz, vh v_high timestamptz, vt v_text text"},
      {"string_date", "fhir_idx_string_date", "v value_norm text, e value_exact text, l low timestamptz, h high timestamptz"},
  };

  /**
   * CTE members that insert the index rows given as JSON in parameter {@code param} (see SearchIndexer)
   * for the resource row of CTE {@code cur}; with {@code replace}, the resource's old rows go first. All
   * members of one statement see the same snapshot, so the deletes never see the rows being inserted.
   */
  static String indexWrites(int param, boolean replace) {
    return indexWrites("cur", "$" + param + "::jsonb", replace, ALL_TABLES);
  }

  /**
   * As above, the rows read from the JSON expression {@code json}, in scope in {@code from}, inserted only
   * into the tables whose bit is set in {@code tables} (bit t: {@link #INDEX_TABLES}[t]).
   */
  private static String indexWrites(String from, String json, boolean replace, int tables) {
    StringBuilder sql = new StringBuilder();
    for (int t = 0; t < INDEX_TABLES.length; t++) {
      String[] table = INDEX_TABLES[t];
      if (replace) {
        sql.append(",\n  d_").append(table[0]).append(" AS (DELETE FROM ").append(table[1])
            .append(" WHERE res_pk IN (SELECT res_pk FROM cur))");
      }
      if ((tables & (1 << t)) == 0) {
        continue;
      }
      StringBuilder keys = new StringBuilder();
      StringBuilder columns = new StringBuilder();
      StringBuilder record = new StringBuilder();
      for (String column : table[2].split(", ")) {
        String[] parts = column.split(" ");
        keys.append(", x.").append(parts[0]);
        columns.append(", ").append(parts[1]);
        record.append(record.length() == 0 ? "" : ", ").append(parts[0]).append(' ').append(parts[2]);
      }
      sql.append(",\n  i_").append(table[0]).append(" AS (INSERT INTO ").append(table[1])
          .append(" (res_pk, res_type, name").append(columns).append(") SELECT cur.res_pk, cur.res_type, x.n")
          .append(keys).append(" FROM ").append(from).append(", jsonb_to_recordset(").append(json).append(" -> '")
          .append(table[0]).append("') AS x(n text, ").append(record).append("))");
    }
    return sql.toString();
  }

  /** CTE members that remove every index row of the resource of CTE {@code cur}. */
  static String indexDeletes() {
    StringBuilder sql = new StringBuilder();
    for (String[] table : INDEX_TABLES) {
      sql.append(",\n  d_").append(table[0]).append(" AS (DELETE FROM ").append(table[1])
          .append(" WHERE res_pk IN (SELECT res_pk FROM cur))");
    }
    return sql.toString();
  }

  /** Every index table's bit (see {@link #tablesOf}). */
  static final int ALL_TABLES = (1 << INDEX_TABLES.length) - 1;

  /**
   * The bits of the index tables the rows (SearchIndexer's JSON) fill. A create statement names only those:
   * a Patient fills three of the eight tables, and every table a statement inserts into is opened, locked
   * and planned, with its indexes, even when it receives no row (about a fifth of a Patient create's
   * PostgreSQL time).
   */
  static int tablesOf(io.vertx.core.json.JsonObject rows) {
    int tables = 0;
    for (int t = 0; t < INDEX_TABLES.length; t++) {
      io.vertx.core.json.JsonArray list = rows.getJsonArray(INDEX_TABLES[t][0]);
      if (list != null && !list.isEmpty()) {
        tables |= 1 << t;
      }
    }
    return tables;
  }

  /** The tables and keys of {@link IndexRows} must be these, in this order: both sides name columns by position. */
  static {
    for (int t = 0; t < INDEX_TABLES.length; t++) {
      List<String> keys = new ArrayList<>();
      for (String column : INDEX_TABLES[t][2].split(", ")) {
        keys.add(column.split(" ")[0]);
      }
      if (!INDEX_TABLES[t][0].equals(IndexRows.TABLES.get(t)) || !keys.equals(IndexRows.KEYS.get(t))) {
        throw new IllegalStateException("index table " + INDEX_TABLES[t][0] + ": IndexRows and FhirSql disagree");
      }
    }
  }

  private static final String[] INSERTS = new String[ALL_TABLES + 1];
  private static final String[] INSERT_BATCHES = new String[ALL_TABLES + 1];

  /**
   * $1 type, $2 id, $3 last_updated, $4 content as JSON text (meta.versionId already "1"; the text, not a JSON
   * parameter, so that it is written once, without Jackson), $5 method, then for each of the
   * {@code tables} (bit t: {@link #INDEX_TABLES}[t], ascending) one text array per column of its rows, the
   * parameter name first ({@link IndexRows#column}), unnested into the table; values of other SQL types are cast
   * from text as jsonb_to_recordset casts them (their input functions). One text per set of tables, so each is
   * prepared once. Arrays rather than one JSON parameter: PostgreSQL need not parse the rows as JSON and then
   * as records (measured: 413-465 against 457-499 µs of its CPU per Patient insert).
   */
  static String insert(int tables) {
    String sql = INSERTS[tables];
    if (sql == null) {
      sql = """
          WITH cur AS (
            INSERT INTO fhir_resource (res_type, res_id, version, last_updated, deleted, content)
            VALUES ($1, $2, 1, $3, false, $4::text::jsonb)
            RETURNING res_pk, version, res_type, res_id, last_updated, content)%s
          INSERT INTO fhir_resource_history (%s)
          SELECT res_pk, version, res_type, res_id, last_updated, $5, content FROM cur
          RETURNING version""".formatted(arrayWrites(6, tables), HISTORY_COLUMNS);
      INSERTS[tables] = sql; // a benign race: two threads build the same text
    }
    return sql;
  }

  private static final String[] INSERT_MANY = new String[ALL_TABLES + 1];

  /**
   * Several creates in one statement, each row as {@link #insert} writes it: $1 types, $2 ids, $3 last_updated
   * (one per resource), $4 contents as JSON text, then for each of the {@code tables} (ascending) the number of
   * the resource (1-based, its position in $1) of every row, then its columns' text arrays as in {@link #insert}.
   * One statement and one commit instead of one per resource: executor start-up, relation opening, the protocol
   * and the WAL flush are paid once (docs/benchmarks.md, branch createcut: about half of PostgreSQL's CPU per
   * create statement). All or nothing, like any statement.
   */
  static String insertMany(int tables) {
    String sql = INSERT_MANY[tables];
    if (sql == null) {
      sql = """
          WITH src AS (
            SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[]) WITH ORDINALITY AS s(t, i, u, c, o)),
          cur AS (
            INSERT INTO fhir_resource (res_type, res_id, version, last_updated, deleted, content)
            SELECT t, i, 1, u, false, c::jsonb FROM src ORDER BY o
            RETURNING res_pk, version, res_type, res_id, last_updated, content),
          keyed AS (SELECT cur.res_pk, cur.res_type, src.o FROM cur JOIN src ON src.t = cur.res_type AND src.i = cur.res_id)%s
          INSERT INTO fhir_resource_history (%s)
          SELECT res_pk, version, res_type, res_id, last_updated, 'POST', content FROM cur""".formatted(
          arrayWrites(5, tables, true), HISTORY_COLUMNS);
      INSERT_MANY[tables] = sql;
    }
    return sql;
  }

  /** CTE members inserting the rows of the {@code tables} for CTE {@code cur} from text arrays, from $first on. */
  private static String arrayWrites(int first, int tables) {
    return arrayWrites(first, tables, false);
  }

  /**
   * As above; with {@code keyed}, each table's first array numbers the resource of each row in CTE {@code keyed}
   * ({@link #insertMany}).
   */
  private static String arrayWrites(int first, int tables, boolean keyed) {
    StringBuilder sql = new StringBuilder();
    int param = first;
    for (int t = 0; t < INDEX_TABLES.length; t++) {
      if ((tables & (1 << t)) == 0) {
        continue;
      }
      String[] table = INDEX_TABLES[t];
      StringBuilder arrays = new StringBuilder(keyed ? "$" + param++ + "::bigint[], " : "");
      arrays.append("$").append(param++).append("::text[]");
      StringBuilder names = new StringBuilder(keyed ? "o, n" : "n");
      StringBuilder columns = new StringBuilder();
      StringBuilder values = new StringBuilder();
      for (String column : table[2].split(", ")) {
        String[] parts = column.split(" ");
        arrays.append(", $").append(param++).append("::text[]");
        names.append(", ").append(parts[0]);
        columns.append(", ").append(parts[1]);
        values.append(", x.").append(parts[0]).append(parts[2].equals("text") ? "" : "::" + parts[2]);
      }
      String from = keyed ? "keyed" : "cur";
      sql.append(",\n  i_").append(table[0]).append(" AS (INSERT INTO ").append(table[1])
          .append(" (res_pk, res_type, name").append(columns).append(") SELECT ").append(from).append(".res_pk, ")
          .append(from).append(".res_type, x.n").append(values).append(" FROM ").append(keyed ? "" : "cur, ")
          .append("unnest(").append(arrays).append(") AS x(").append(names).append(")")
          .append(keyed ? " JOIN keyed ON keyed.o = x.o)" : ")");
    }
    return sql.toString();
  }

  /**
   * $1 type, $2 id, $3 last_updated, $4 content, $5 expected version or null, $6 method, $7 index rows. The version
   * check sits in the WHERE clause: of two updates racing from the same version, the second one
   * re-checks the row after the first commits, matches nothing, and returns no row.
   */
  static final String UPDATE = """
      WITH cur AS (
        UPDATE fhir_resource
           SET version = version + 1, last_updated = $3, deleted = false,
               content = jsonb_set($4, '{meta,versionId}', to_jsonb((version + 1)::text))
         WHERE res_type = $1 AND res_id = $2 AND ($5::integer IS NULL OR version = $5::integer)
        RETURNING res_pk, version, res_type, res_id, last_updated, content)%s
      INSERT INTO fhir_resource_history (%s)
      SELECT res_pk, version, res_type, res_id, last_updated, $6, content FROM cur
      RETURNING version""".formatted(indexWrites(7, true), HISTORY_COLUMNS);

  /** $1 res_pk, $2 new version, $3 last_updated, $4 content, $5 index rows; after {@link #LOCK_CURRENT}. */
  static final String PATCH_WRITE = """
      WITH cur AS (
        UPDATE fhir_resource SET version = $2, last_updated = $3, deleted = false, content = $4
         WHERE res_pk = $1
        RETURNING res_pk, version, res_type, res_id, last_updated, content)%s
      INSERT INTO fhir_resource_history (%s)
      SELECT res_pk, version, res_type, res_id, last_updated, 'PATCH', content FROM cur
      RETURNING version""".formatted(indexWrites(5, true), HISTORY_COLUMNS);

  /**
   * $1 type, $2 id, $3 last_updated, $4 expected version or null. Only a live resource at the expected
   * version is deleted; no row means absent, already deleted or another version.
   */
  static final String DELETE = """
      WITH cur AS (
        UPDATE fhir_resource SET version = version + 1, last_updated = $3, deleted = true, content = NULL
         WHERE res_type = $1 AND res_id = $2 AND NOT deleted AND ($4::integer IS NULL OR version = $4::integer)
        RETURNING res_pk, version, res_type, res_id, last_updated)%s
      INSERT INTO fhir_resource_history (%s)
      SELECT res_pk, version, res_type, res_id, last_updated, 'DELETE', NULL FROM cur
      RETURNING version, last_updated""".formatted(indexDeletes(), HISTORY_COLUMNS);

  /**
   * Many new resources in one statement. $1 last_updated, $2 a JSON array of {@code {t: type, i: id, c: content,
   * x: index rows}}: the current rows, history rows and index rows of all of them (the index rows joined back
   * to their resource by type and id), which together fill the {@code tables} ({@link #tablesOf}). Returns the
   * number of resources inserted.
   */
  static String insertBatch(int tables) {
    String sql = INSERT_BATCHES[tables];
    if (sql == null) {
      sql = """
      WITH src AS (
        SELECT e ->> 't' AS t, e ->> 'i' AS i, e -> 'c' AS c, e -> 'x' AS x FROM jsonb_array_elements($2::jsonb) AS e),
      cur AS (
        INSERT INTO fhir_resource (res_type, res_id, version, last_updated, deleted, content)
        SELECT t, i, 1, $1, false, c FROM src
        RETURNING res_pk, version, res_type, res_id, last_updated, content),
      hist AS (
        INSERT INTO fhir_resource_history (%s)
        SELECT res_pk, version, res_type, res_id, last_updated, 'POST', content FROM cur)%s
      SELECT count(*) AS inserted FROM cur""".formatted(HISTORY_COLUMNS,
          indexWrites("cur JOIN src ON src.t = cur.res_type AND src.i = cur.res_id", "src.x", false, tables));
      INSERT_BATCHES[tables] = sql;
    }
    return sql;
  }

  /** $1 type, $2 id. */
  static final String READ = """
      SELECT res_pk, version, last_updated, deleted, content::text AS content
        FROM fhir_resource WHERE res_type = $1 AND res_id = $2""";

  /** $1 type, $2 id; the row stays locked until the transaction ends. */
  static final String LOCK_CURRENT = READ + " FOR UPDATE";

  /** $1 type, $2 id, $3 version. */
  static final String VREAD = """
      SELECT h.version, h.last_updated, h.method, h.content::text AS content
        FROM fhir_resource r JOIN fhir_resource_history h ON h.res_pk = r.res_pk AND h.version = $3
       WHERE r.res_type = $1 AND r.res_id = $2""";

  private static final String HISTORY_SELECT =
      "SELECT res_pk, version, res_type, res_id, last_updated, method, content::text AS content FROM fhir_resource_history";

  /** $1 res_pk, $2 since, $3 versions below this, $4 limit. Served by the primary key. */
  static final String HISTORY_INSTANCE = HISTORY_SELECT + " " + """
       WHERE res_pk = $1 AND last_updated >= $2 AND version < $3
       ORDER BY version DESC LIMIT $4""";

  /** $1 res_pk, $2 since. */
  static final String HISTORY_INSTANCE_COUNT =
      "SELECT count(*) AS total FROM fhir_resource_history WHERE res_pk = $1 AND last_updated >= $2";

  /** $1 type, $2 since, ($3, $4, $5) keyset cursor, $6 limit. Served by fhir_resource_history_type_time. */
  static final String HISTORY_TYPE = HISTORY_SELECT + " " + """
       WHERE res_type = $1 AND last_updated >= $2 AND (last_updated, res_pk, version) < ($3, $4, $5)
       ORDER BY last_updated DESC, res_pk DESC, version DESC LIMIT $6""";

  /** $1 since, ($2, $3, $4) keyset cursor, $5 limit. Served by fhir_resource_history_time. */
  static final String HISTORY_SYSTEM = HISTORY_SELECT + " " + """
       WHERE last_updated >= $1 AND (last_updated, res_pk, version) < ($2, $3, $4)
       ORDER BY last_updated DESC, res_pk DESC, version DESC LIMIT $5""";

  /**
   * Serialises conditional interactions on the same criteria until the transaction ends (a 64-bit hash of the
   * key: a collision only serialises two unrelated criteria).
   */
  static final String CRITERIA_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))";
}
