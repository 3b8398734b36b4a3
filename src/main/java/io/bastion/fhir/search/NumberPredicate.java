package io.bastion.fhir.search;

import static io.bastion.fhir.search.Criteria.badValue;

import java.math.BigDecimal;

/**
 * A number with its prefix. eq and ne use the value's implicit precision (100 matches [99.5, 100.5),
 * 100.0 matches [99.95, 100.05)); ap matches within 10% of the value.
 */
record NumberPredicate(String prefix, BigDecimal value) {

  static NumberPredicate parse(String name, String text) {
    Criteria.Prefixed p = Criteria.Prefixed.of(text);
    if (!p.rest().matches("-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]{1,3})?")) {
      throw badValue(name, "a number is [prefix]decimal, prefix one of eq ne gt lt ge le sa eb ap");
    }
    return new NumberPredicate(p.prefix(), new BigDecimal(p.rest()));
  }

  String sql(Sql sql, String column) {
    BigDecimal half = BigDecimal.ONE.scaleByPowerOfTen(-value.scale()).divide(BigDecimal.valueOf(2));
    BigDecimal tenth = value.abs().divide(BigDecimal.TEN);
    return switch (prefix) {
      case "eq" -> "(" + column + " >= " + bind(sql, value.subtract(half)) + " AND " + column + " < "
          + bind(sql, value.add(half)) + ")";
      case "ne" -> "(" + column + " < " + bind(sql, value.subtract(half)) + " OR " + column + " >= "
          + bind(sql, value.add(half)) + ")";
      case "gt", "sa" -> column + " > " + bind(sql, value);
      case "lt", "eb" -> column + " < " + bind(sql, value);
      case "ge" -> column + " >= " + bind(sql, value);
      case "le" -> column + " <= " + bind(sql, value);
      default -> "(" + column + " >= " + bind(sql, value.subtract(tenth)) + " AND " + column + " <= "
          + bind(sql, value.add(tenth)) + ")";
    };
  }

  private static String bind(Sql sql, BigDecimal value) {
    return sql.bind(value) + "::numeric";
  }
}
