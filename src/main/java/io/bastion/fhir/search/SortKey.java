package io.bastion.fhir.search;

/**
 * One _sort key. Its value per resource comes from the index rows of the parameter: the lowest for an
 * ascending key, the highest for a descending one (dates: the earliest start, the latest end); resources
 * without a value sort last either way.
 */
record SortKey(SearchParameter parameter, boolean descending) {

  /** The SQL expression of the key for the resource row r, and the type its cursor value is cast to. */
  String expression(Sql sql) {
    String agg = descending ? "max" : "min";
    return switch (parameter.code()) {
      case "_id" -> "r.res_id";
      case "_lastUpdated" -> "r.last_updated";
      default -> {
        String column = switch (parameter.type()) {
          case STRING -> "value_norm";
          case TOKEN -> "code";
          case DATE -> descending ? "high" : "low";
          case REFERENCE -> "coalesce(target_type || '/' || target_id, url)";
          case NUMBER, QUANTITY -> "value";
          case URI -> "uri";
          case COMPOSITE -> throw new IllegalStateException("composite sort");
        };
        yield "(SELECT " + agg + "(" + column + ") FROM " + Criteria.table(parameter.type()) + " s WHERE s.res_pk = r.res_pk"
            + " AND " + parameter.rows().sql(sql, "s") + ")";
      }
    };
  }

  String castType() {
    if (parameter.code().equals("_lastUpdated")) {
      return "timestamptz";
    }
    return switch (parameter.type()) {
      case DATE -> "timestamptz";
      case NUMBER, QUANTITY -> "numeric";
      default -> "text";
    };
  }
}
