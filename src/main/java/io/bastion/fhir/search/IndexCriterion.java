package io.bastion.fhir.search;

/**
 * A criterion met by a resource that has at least one index row of the parameter satisfying the
 * condition. It renders as a semi-join on the index table, or ({@link #rows}) as the index rows
 * themselves, from which a search can start: index rows exist only for live resources, of their own type.
 */
record IndexCriterion(SearchParameter parameter, String table, Criteria.RowCondition condition) implements Criterion {

  @Override
  public String sql(Sql sql, String alias) {
    return alias + ".res_pk IN (SELECT i.res_pk FROM " + rows(sql, "i") + ")";
  }

  /** {@code table row WHERE …}: the matching index rows, under the alias {@code row}. */
  String rows(Sql sql, String row) {
    return table + " " + row + " WHERE " + row + ".res_type = " + sql.bind(parameter.base()) + " AND " + row
        + ".name = " + sql.bind(parameter.code()) + " AND (" + condition.sql(sql, row) + ")";
  }
}
