package io.bastion.fhir.search;

import java.util.ArrayList;
import java.util.List;

/**
 * A criterion met by a resource that has at least one index row of the parameter satisfying the
 * condition. It renders as a semi-join on the index table, or ({@link #rows}) as the index rows
 * themselves, from which a search can start: index rows exist only for live resources, of their own type.
 *
 * @param ordered null, or the same rows split so that a search can read them in res_pk order ({@link Ordered})
 * @param pairable whether the condition (and {@link #ordered}) may be put on the rows of a {@link PairedIndex}
 *     as they are: it names only columns those rows have too, and a string criterion has one value, so that
 *     the pair's rows of that value come in res_pk order
 */
record IndexCriterion(SearchParameter parameter, String table, Criteria.RowCondition condition, Ordered ordered,
    boolean pairable) implements Criterion {

  IndexCriterion(SearchParameter parameter, String table, Criteria.RowCondition condition) {
    this(parameter, table, condition, null, false);
  }

  IndexCriterion(SearchParameter parameter, String table, Criteria.RowCondition condition, Ordered ordered) {
    this(parameter, table, condition, ordered, false);
  }

  /**
   * The condition as two disjoint parts whose union it is: {@code equal} fixes every indexed value column,
   * so the value index (which ends in res_pk) yields its rows in res_pk order; {@code rest} matches the
   * other rows (usually few or none). A search driven by it can merge the two in res_pk order and stop at
   * the page's end instead of checking every candidate (family=walker: the rows of "walker" in order, those
   * of "walkers…" sorted).
   *
   * <p>{@code rest} null: the condition has one part, {@code equal}, whose rows are few (one reference
   * target: a patient's observations), read and sorted by res_pk. {@code probeOthers}: the page probes the other
   * criteria per candidate, within the probe budget and past it, whatever a generic plan estimates for them
   * ({@link #probedSql}); a code's rows are
   * estimated at a few hundred where a common LOINC code has 50,000, and a generic plan would hash them all.
   */
  record Ordered(Criteria.RowCondition equal, Criteria.RowCondition rest, boolean probeOthers) {

    Ordered(Criteria.RowCondition equal, Criteria.RowCondition rest) {
      this(equal, rest, false);
    }
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
   * The res_pk of the matching rows after {@code afterPk} (a bound placeholder, or null), in res_pk order with
   * repeats, cut by {@code tail} ({@code LIMIT …}, {@code OFFSET … LIMIT …}), as a subquery: the two index scans
   * of {@link #ordered} (which must be known) per row name merged in res_pk order (Merge Append), so that the cut
   * reads only the rows before its end.
   */
  String orderedPks(Sql sql, String afterPk, String tail) {
    // one stream per row name (a parameter sharing others' rows has several, StoredRows): each is in res_pk
    // order only for a single name, and the merge keeps the whole in order without a sort
    List<String> streams = new ArrayList<>();
    for (String name : parameter.rows().names(sql.phi())) {
      streams.add("(SELECT o.res_pk FROM " + rows(sql, "o", ordered.equal(), name) + after("o", afterPk)
          + " ORDER BY o.res_pk)");
      if (ordered.rest() != null) {
        streams.add("(SELECT o.res_pk FROM " + rows(sql, "o", ordered.rest(), name) + after("o", afterPk)
            + " ORDER BY o.res_pk)");
      }
    }
    if (streams.size() == 1) {
      return streams.get(0).substring(0, streams.get(0).length() - 1) + " " + tail + ")";
    }
    return "(" + String.join(" UNION ALL ", streams) + " ORDER BY res_pk " + tail + ")";
  }

  /**
   * The criterion as a semi-join that cannot be probed per candidate ({@code res_pk + 0} matches no index):
   * the rows meeting it are read once from the value index and hashed. For many candidates of which few
   * match, that is cheaper than an index probe per candidate.
   */
  String hashedSql(Sql sql, String alias) {
    return alias + ".res_pk + 0 IN (SELECT i.res_pk + 0 FROM " + rows(sql, "i") + ")";
  }

  /**
   * The criterion as an index probe for each candidate of {@code alias}: a correlated EXISTS that the planner
   * keeps as a subplan (OFFSET 0 stops it from being pulled up into a join, which a generic plan could make a
   * hash join over every matching row), an index-only probe of the (res_pk, name) index per candidate.
   */
  String probedSql(Sql sql, String alias) {
    return "EXISTS (SELECT 1 FROM " + rows(sql, "i") + " AND i.res_pk = " + alias + ".res_pk OFFSET 0)";
  }

  private String rows(Sql sql, String row, Criteria.RowCondition matching) {
    return table + " " + row + " WHERE " + row + ".res_type = " + sql.bind(parameter.base()) + " AND "
        + parameter.rows().sql(sql, row) + " AND (" + matching.sql(sql, row) + ")";
  }

  /** The rows of one of the parameter's row names only. */
  private String rows(Sql sql, String row, Criteria.RowCondition matching, String name) {
    return table + " " + row + " WHERE " + row + ".res_type = " + sql.bind(parameter.base()) + " AND "
        + parameter.rows().sql(sql, row, name) + " AND (" + matching.sql(sql, row) + ")";
  }

  private static String after(String row, String afterPk) {
    return afterPk == null ? "" : " AND " + row + ".res_pk > " + afterPk;
  }
}
