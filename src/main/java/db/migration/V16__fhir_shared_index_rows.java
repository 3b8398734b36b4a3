package db.migration;

import io.bastion.fhir.search.SearchParameter;
import io.bastion.fhir.search.SearchParameters;
import io.bastion.fhir.search.StoredRows;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the index rows that parameters sharing other parameters' rows ({@link StoredRows}) no longer write and
 * no longer read: every row of a parameter that writes nothing now (phonetic, Observation's patient, combo-code…),
 * and a row of one that writes part of its values (address, name) when a source it shares holds the same values
 * for the same resource. Rows of a source standing for a string part (address-city for address) are not taken
 * as copies: that source is not searched when PHI seals the part, which this migration cannot know, and a copy
 * left in place only repeats a value the parameter already finds. Derived from the same table as the search, so
 * the two cannot disagree; each statement is one (res_type, name) index range, instant on an empty store.
 */
public class V16__fhir_shared_index_rows extends BaseJavaMigration {

  private static final Logger LOG = LoggerFactory.getLogger(V16__fhir_shared_index_rows.class);

  /** Each index table's value columns (those after res_pk, res_type and name). */
  private static final Map<String, List<String>> COLUMNS = Map.of(
      "string", List.of("value_norm", "value_exact"),
      "token", List.of("system", "code", "text_norm"),
      "date", List.of("low", "high"),
      "reference", List.of("target_type", "target_id", "url"),
      "number", List.of("value"),
      "quantity", List.of("system", "code", "value"),
      "uri", List.of("uri"),
      "composite", List.of("system", "code", "v_system", "v_code", "v_number", "v_low", "v_high", "v_text"));

  @Override
  public void migrate(Context context) throws Exception {
    long deleted = 0;
    for (SearchParameter p : SearchParameters.r4().all()) {
      StoredRows rows = p.rows();
      if (rows.owned(p.code())) {
        continue;
      }
      String table = "fhir_idx_" + p.type().code();
      String[] copies = rows.sources().stream().filter(s -> s.part() == null && !s.name().equals(p.code()))
          .map(StoredRows.Source::name).toArray(String[]::new);
      String sql;
      if (rows.writes().isEmpty()) {
        sql = "DELETE FROM " + table + " WHERE res_type = ? AND name = ?";
      } else if (copies.length > 0) {
        StringBuilder same = new StringBuilder();
        for (String column : COLUMNS.get(p.type().code())) {
          same.append(" AND s.").append(column).append(" IS NOT DISTINCT FROM d.").append(column);
        }
        sql = "DELETE FROM " + table + " d WHERE d.res_type = ? AND d.name = ? AND EXISTS (SELECT 1 FROM " + table
            + " s WHERE s.res_pk = d.res_pk AND s.name = ANY (?)" + same + ")";
      } else {
        continue;
      }
      try (PreparedStatement statement = context.getConnection().prepareStatement(sql)) {
        statement.setString(1, p.base());
        statement.setString(2, p.code());
        if (sql.contains("ANY")) {
          statement.setArray(3, context.getConnection().createArrayOf("text", copies));
        }
        deleted += statement.executeUpdate();
      }
    }
    LOG.info("V16: {} index rows removed that other parameters' rows now hold", deleted);
  }
}
