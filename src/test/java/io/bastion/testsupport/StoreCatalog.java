package io.bastion.testsupport;

import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * Every index and constraint of the FHIR store's tables as the catalog defines them, with the flags a usable
 * index has: tests of the empty-store load compare it before and after, to prove every index came back.
 */
public final class StoreCatalog {

  /** The store's tables, as the load locks them. */
  public static final String TABLES = "fhir_resource, fhir_resource_history, fhir_idx_string, fhir_idx_token, "
      + "fhir_idx_date, fhir_idx_reference, fhir_idx_number, fhir_idx_quantity, fhir_idx_uri, fhir_idx_composite, "
      + "fhir_idx_string_date";

  private static final String DEFINITIONS = """
      SELECT string_agg(d, E'\\n' ORDER BY d) AS defs FROM (
        SELECT pg_get_indexdef(indexrelid) || ' valid ' || indisvalid || ' ready ' || indisready AS d
          FROM pg_index WHERE indrelid::regclass::text = ANY (string_to_array($1, ', '))
        UNION ALL
        SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
          FROM pg_constraint WHERE conrelid::regclass::text = ANY (string_to_array($1, ', '))) x""";

  private StoreCatalog() {
  }

  /** One line per index and constraint, sorted. */
  public static String definitions(Pool pool) {
    return pool.preparedQuery(DEFINITIONS).execute(Tuple.of(TABLES)).await().iterator().next().getString("defs");
  }
}
