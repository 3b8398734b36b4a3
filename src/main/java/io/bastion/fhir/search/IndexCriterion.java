package io.bastion.fhir.search;

/**
 * A criterion met by a resource that has at least one index row of the parameter satisfying the
 * condition. It renders as a semi-join on the index table, or ({@link #rows}) as the index rows
 * themselves, from which a search can start: index rows exist only for live resources, of their own type.
 *
 * @param ordered null, or the same rows split so that a search can read them in res_pk order ({@link Ordered})
 */
record IndexCriterion(SearchParameter parameter, String table, Criteria.RowCondition condition, Ordered ordered)
    implements Criterion {

  IndexCriterion(SearchParameter parameter, String table, Criteria.RowCondition condition) {
    this(parameter, table, condition, null);
  }

  /**
   * The condition as two disjoint parts whose union it is: {@code equal} fixes every indexed value column,
   * so the value index (which ends in res_pk) yields its rows in res_pk order; {@code rest} matches the
   * other rows (usually few or none). A search driven by it can merge the two in res_pk order and stop at
   * the page's end instead of checking every candidate (family=walker: the rows of "walker" in order, those
   * of "walkers…" sorted).
   */
  record Ordered(Criteria.RowCondition equal, Criteria.RowCondition rest) {
  }

  @Override
  public String sql(Sql sql, String alias) {
    return alias + ".res_pk IN (SELECT i.res_pk FROM " + rows(sql, "i") + ")";
  }

  /** {@code table row WHERE …}: the matching index rows, under the alias {@code row}. */
  String rows(Sql sql, String row) {
    return rows(sql, row, condition);
  }

  /**
   * The res_pk of the matching rows after {@code afterPk} (a bound placeholder, or null), in res_pk order
   * with repeats, as a subquery: two index scans merged when {@link #ordered} is known, else one sorted.
   */
  String orderedPks(Sql sql, String afterPk) {
    if (ordered == null) {
      return "(SELECT o.res_pk FROM " + rows(sql, "o") + after("o", afterPk) + " ORDER BY o.res_pk)";
    }
    return "((SELECT o.res_pk FROM " + rows(sql, "o", ordered.equal()) + after("o", afterPk) + " ORDER BY o.res_pk)"
        + " UNION ALL (SELECT o.res_pk FROM " + rows(sql, "o", ordered.rest()) + after("o", afterPk)
        + " ORDER BY o.res_pk))";
  }

  private String rows(Sql sql, String row, Criteria.RowCondition matching) {
    return table + " " + row + " WHERE " + row + ".res_type = " + sql.bind(parameter.base()) + " AND " + row
        + ".name = " + sql.bind(parameter.code()) + " AND (" + matching.sql(sql, row) + ")";
  }

  private static String after(String row, String afterPk) {
    return afterPk == null ? "" : " AND " + row + ".res_pk > " + afterPk;
  }
}
