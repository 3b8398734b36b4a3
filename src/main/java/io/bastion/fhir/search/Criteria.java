package io.bastion.fhir.search;

import io.bastion.fhir.FhirException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Parses one query parameter ({@code name[:modifier]=v1,v2}) into a {@link Criterion} for its parameter
 * type. Values are OR-ed; the same parameter repeated is AND-ed by the caller. Every condition on an index
 * table is a semi-join {@code alias.res_pk IN (SELECT res_pk FROM fhir_idx_x WHERE res_type = … AND name =
 * … AND (value conditions))}, which the (res_type, name, value) indexes serve.
 */
final class Criteria {

  private static final Pattern PREFIXED = Pattern.compile("(eq|ne|gt|lt|ge|le|sa|eb|ap)?(.*)");

  private Criteria() {
  }

  /** Unknown to this parameter type or not implemented: 400, whatever the handling preference. */
  static FhirException badModifier(String name, String modifier) {
    return FhirException.of(400, "not-supported", "the modifier :" + modifier + " is not supported on " + name, name);
  }

  static FhirException badValue(String name, String expected) {
    return FhirException.of(400, "value", "a value of " + name + " is not valid: " + expected, name);
  }

  /** Builds the criterion for a known parameter. */
  static Criterion of(SearchParameter p, String modifier, String value, Instant now) {
    List<String> values = splitOr(value);
    if ("missing".equals(modifier)) {
      if (!value.equals("true") && !value.equals("false")) {
        throw badValue(p.code(), ":missing takes true or false");
      }
      return missing(p, value.equals("true"));
    }
    if (p.code().equals("_id")) {
      requireNoModifier(p, modifier);
      return (sql, alias) -> or(values, v -> alias + ".res_id = " + sql.bind(v));
    }
    if (p.code().equals("_lastUpdated")) {
      requireNoModifier(p, modifier);
      List<DatePredicate> predicates = values.stream().map(v -> DatePredicate.parse(p.code(), v, now)).toList();
      return (sql, alias) -> or(predicates, d -> d.sql(sql, alias + ".last_updated", alias + ".last_updated"));
    }
    return switch (p.type()) {
      case STRING -> string(p, modifier, values);
      case TOKEN -> token(p, modifier, values);
      case DATE -> {
        requireNoModifier(p, modifier);
        List<DatePredicate> predicates = values.stream().map(v -> DatePredicate.parse(p.code(), v, now)).toList();
        // low and high are also the columns of the paired index rows (PairedIndex)
        yield new IndexCriterion(p, "fhir_idx_date", (sql, i) -> or(predicates, d -> (sql.phi().shiftsDates(p.expression())
            ? d.shifted(sql.phi().dateShift()) : d).sql(sql, i + ".low", i + ".high")), null, true);
      }
      case NUMBER -> {
        requireNoModifier(p, modifier);
        List<NumberPredicate> predicates = values.stream().map(v -> NumberPredicate.parse(p.code(), v)).toList();
        yield index(p, "fhir_idx_number", (sql, i) -> or(predicates, n -> n.sql(sql, i + ".value")));
      }
      case QUANTITY -> quantity(p, modifier, values, now);
      case REFERENCE -> reference(p, modifier, values);
      case URI -> uri(p, modifier, values);
      case COMPOSITE -> composite(p, modifier, values, now);
    };
  }

  private static void requireNoModifier(SearchParameter p, String modifier) {
    if (modifier != null) {
      throw badModifier(p.code(), modifier);
    }
  }

  /** A condition on the index rows of one parameter, given as SQL over the index row alias "i". */
  interface RowCondition {
    String sql(Sql sql, String i);
  }

  static Criterion index(SearchParameter p, String table, RowCondition condition) {
    return new IndexCriterion(p, table, condition);
  }

  private static Criterion notIn(SearchParameter p, String table, RowCondition condition) {
    return (sql, alias) -> "NOT EXISTS (SELECT 1 FROM " + table + " i WHERE i.res_pk = " + alias + ".res_pk AND "
        + p.rows().sql(sql, "i") + " AND (" + condition.sql(sql, "i") + "))";
  }

  static String table(SearchParamType type) {
    return "fhir_idx_" + type.code();
  }

  private static Criterion missing(SearchParameter p, boolean missing) {
    if (p.isColumn()) {
      return (sql, alias) -> missing ? "false" : "true";
    }
    String table = table(p.type());
    return missing ? notIn(p, table, (sql, i) -> "true") : index(p, table, (sql, i) -> "true");
  }

  private static Criterion string(SearchParameter p, String modifier, List<String> escaped) {
    List<String> values = escaped.stream().map(Criteria::unescape).toList();
    if (modifier == null) {
      RowCondition condition = (sql, i) -> or(values, v -> startsWith(sql, i + ".value_norm", v));
      String prefix = values.size() == 1 ? Normalizer.normalize(values.get(0)) : "";
      if (prefix.isEmpty()) {
        return index(p, "fhir_idx_string", condition);
      }
      // one prefix: its exact value in res_pk order, and the longer values starting with it (see Ordered)
      return new IndexCriterion(p, "fhir_idx_string", condition, new IndexCriterion.Ordered(
          (sql, i) -> i + ".value_norm = " + sql.bind(prefix),
          (sql, i) -> "(" + i + ".value_norm ~>~ " + sql.bind(prefix) + " AND " + i + ".value_norm ~<~ "
              + sql.bind(upperBound(prefix)) + ")"), true);
    }
    return switch (modifier) {
      // one value shorter than any cut value_exact of the paired rows: the same resources match there (PairedIndex)
      case "exact" -> new IndexCriterion(p, "fhir_idx_string", (sql, i) -> or(values, v -> "(" + i + ".value_norm = "
          + sql.bind(Normalizer.normalize(v)) + " AND " + i + ".value_exact = " + sql.bind(v) + ")"), null,
          values.size() == 1 && PairedIndex.pairsExact(values.get(0)));
      case "contains" -> index(p, "fhir_idx_string", (sql, i) -> or(values, v -> i + ".value_norm LIKE "
          + sql.bind("%" + Normalizer.escapeLike(Normalizer.normalize(v)) + "%")));
      default -> throw badModifier(p.code(), modifier);
    };
  }

  /**
   * Starts-with on a normalised column as a range under text_pattern_ops ({@code ~>=~ x AND ~<~ x'}, x'
   * being x with its last character incremented): unlike LIKE with a bound pattern, a range stays
   * indexable in a generic prepared-statement plan.
   */
  static String startsWith(Sql sql, String column, String value) {
    String prefix = Normalizer.normalize(value);
    if (prefix.isEmpty()) {
      return "true";
    }
    return "(" + column + " ~>=~ " + sql.bind(prefix) + " AND " + column + " ~<~ " + sql.bind(upperBound(prefix)) + ")";
  }

  /** The least string above every string starting with the (non-empty) prefix: its last character incremented. */
  private static String upperBound(String prefix) {
    int last = prefix.codePointBefore(prefix.length());
    return prefix.substring(0, prefix.length() - Character.charCount(last)) + Character.toString(last + 1);
  }

  private static Criterion token(SearchParameter p, String modifier, List<String> values) {
    if (modifier == null) {
      return index(p, "fhir_idx_token", (sql, i) -> or(values, v -> tokenMatch(sql, i, v)));
    }
    return switch (modifier) {
      case "not" -> notIn(p, "fhir_idx_token", (sql, i) -> or(values, v -> tokenMatch(sql, i, v)));
      case "text" -> index(p, "fhir_idx_token", (sql, i) -> or(values, v -> startsWith(sql, i + ".text_norm", v)));
      default -> throw badModifier(p.code(), modifier);
    };
  }

  /** {@code code}, {@code system|code}, {@code |code} (no system), {@code system|} (any code). */
  static String tokenMatch(Sql sql, String i, String value) {
    int bar = indexOfUnescaped(value, '|');
    if (bar < 0) {
      return sql.tokenCode(i + ".code", unescape(value));
    }
    String system = unescape(value.substring(0, bar));
    String code = unescape(value.substring(bar + 1));
    if (code.isEmpty()) {
      return i + ".system = " + sql.bind(system);
    }
    return "(" + sql.tokenCode(i + ".code", code) + " AND "
        + (system.isEmpty() ? i + ".system IS NULL" : i + ".system = " + sql.bind(system)) + ")";
  }

  private static Criterion quantity(SearchParameter p, String modifier, List<String> values, Instant now) {
    requireNoModifier(p, modifier);
    List<RowCondition> conditions = new ArrayList<>();
    for (String value : values) {
      conditions.add(quantityMatch(p.code(), value, now, "value", "system", "code"));
    }
    return index(p, "fhir_idx_quantity", (sql, i) -> or(conditions, c -> c.sql(sql, i)));
  }

  /** {@code [prefix]number[|system|code]} over the given value, system and code columns of row alias i. */
  static RowCondition quantityMatch(String name, String value, Instant now, String valueColumn, String systemColumn,
      String codeColumn) {
    String[] parts = value.split("\\|", -1);
    if (parts.length != 1 && parts.length != 3) {
      throw badValue(name, "a quantity is [prefix]number, or [prefix]number|system|code");
    }
    NumberPredicate number = NumberPredicate.parse(name, parts[0]);
    String system = parts.length == 3 ? unescape(parts[1]) : "";
    String code = parts.length == 3 ? unescape(parts[2]) : "";
    return (sql, i) -> {
      StringBuilder out = new StringBuilder("(").append(number.sql(sql, i + "." + valueColumn));
      if (!code.isEmpty()) {
        out.append(" AND ").append(i).append('.').append(codeColumn).append(" = ").append(sql.bind(code));
      }
      if (!system.isEmpty()) {
        out.append(" AND ").append(i).append('.').append(systemColumn).append(" = ").append(sql.bind(system));
      }
      return out.append(')').toString();
    };
  }

  private static Criterion reference(SearchParameter p, String modifier, List<String> values) {
    String type = null;
    if (modifier != null) {
      if (!modifier.matches("[A-Z][A-Za-z]+")) {
        throw badModifier(p.code(), modifier);
      }
      type = modifier;
    } else if (p.targets().size() == 1) {
      type = p.targets().get(0);
    }
    String onlyType = type;
    RowCondition condition = (sql, i) -> or(values, v -> referenceMatch(sql, i, v, onlyType, p.code()));
    if (values.size() != 1) {
      return index(p, "fhir_idx_reference", condition);
    }
    // one target: its rows drive the page in res_pk order, the other criteria probed per candidate (see Ordered)
    return new IndexCriterion(p, "fhir_idx_reference", condition, new IndexCriterion.Ordered(condition, null, true));
  }

  static String referenceMatch(Sql sql, String i, String value, String type, String name) {
    String v = unescape(value);
    if (v.contains("://") || v.startsWith("urn:")) {
      return i + ".url = " + sql.bind(v); // stored references with a base are kept as written
    }
    String[] parts = v.split("/");
    if (parts.length == 2 && parts[0].matches("[A-Z][A-Za-z]+")) {
      return "(" + i + ".target_id = " + sql.bind(parts[1]) + " AND " + i + ".target_type = " + sql.bind(parts[0]) + ")";
    }
    if (parts.length != 1 || v.isEmpty()) {
      throw badValue(name, "a reference is Type/id, id or an absolute URL");
    }
    return type == null ? i + ".target_id = " + sql.bind(v)
        : "(" + i + ".target_id = " + sql.bind(v) + " AND " + i + ".target_type = " + sql.bind(type) + ")";
  }

  private static Criterion uri(SearchParameter p, String modifier, List<String> values) {
    if (modifier == null) {
      return index(p, "fhir_idx_uri", (sql, i) -> or(values, v -> i + ".uri = " + sql.bind(unescape(v))));
    }
    return switch (modifier) {
      case "below" -> index(p, "fhir_idx_uri", (sql, i) -> or(values, v -> {
        String prefix = unescape(v);
        int last = prefix.isEmpty() ? 0 : prefix.codePointBefore(prefix.length());
        return prefix.isEmpty() ? "true" : "(" + i + ".uri ~>=~ " + sql.bind(prefix) + " AND " + i + ".uri ~<~ "
            + sql.bind(prefix.substring(0, prefix.length() - Character.charCount(last)) + Character.toString(last + 1)) + ")";
      }));
      case "above" -> index(p, "fhir_idx_uri", (sql, i) -> or(values, v -> sql.bind(unescape(v)) + " LIKE "
          + "replace(replace(replace(" + i + ".uri, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'"));
      default -> throw badModifier(p.code(), modifier);
    };
  }

  /** Composites of two components: {@code first$second}; the first is a token, the second by its type. */
  private static Criterion composite(SearchParameter p, String modifier, List<String> values, Instant now) {
    requireNoModifier(p, modifier);
    if (p.components().size() != 2) {
      throw FhirException.of(400, "not-supported", "this composite parameter is not supported", p.code());
    }
    SearchParamType second = p.components().get(1).type();
    List<RowCondition> conditions = new ArrayList<>();
    for (String value : values) {
      int dollar = indexOfUnescaped(value, '$');
      if (dollar < 0) {
        throw badValue(p.code(), "a composite value is first$second");
      }
      String first = value.substring(0, dollar);
      String rest = value.substring(dollar + 1);
      RowCondition secondCondition = switch (second) {
        case TOKEN -> (sql, i) -> tokenMatch(sql, i, rest).replace(i + ".code", i + ".v_code").replace(i + ".system", i + ".v_system");
        case QUANTITY -> quantityMatch(p.code(), rest, now, "v_number", "v_system", "v_code");
        case DATE -> {
          DatePredicate date = DatePredicate.parse(p.code(), rest, now);
          yield (sql, i) -> date.sql(sql, i + ".v_low", i + ".v_high");
        }
        case STRING -> (sql, i) -> startsWith(sql, i + ".v_text", rest);
        case REFERENCE -> (sql, i) -> i + ".v_code = " + sql.bind(unescape(rest));
        default -> throw FhirException.of(400, "not-supported", "this composite parameter is not supported", p.code());
      };
      conditions.add((sql, i) -> "(" + (p.components().get(0).type() == SearchParamType.REFERENCE
          ? i + ".code = " + sql.bind(unescape(first)) : tokenMatch(sql, i, first)) + " AND "
          + secondCondition.sql(sql, i) + ")");
    }
    return index(p, "fhir_idx_composite", (sql, i) -> or(conditions, c -> c.sql(sql, i)));
  }

  static <T> String or(List<T> values, Function<T, String> condition) {
    if (values.size() == 1) {
      return condition.apply(values.get(0));
    }
    StringBuilder out = new StringBuilder("(");
    for (T value : values) {
      out.append(out.length() == 1 ? "" : " OR ").append(condition.apply(value));
    }
    return out.append(')').toString();
  }

  /** Splits a value at commas not escaped with a backslash. */
  static List<String> splitOr(String value) {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) == '\\') {
        i++;
      } else if (value.charAt(i) == ',') {
        out.add(value.substring(start, i));
        start = i + 1;
      }
    }
    out.add(value.substring(start));
    return out;
  }

  static int indexOfUnescaped(String value, char c) {
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) == '\\') {
        i++;
      } else if (value.charAt(i) == c) {
        return i;
      }
    }
    return -1;
  }

  static String unescape(String value) {
    return value.replace("\\,", ",").replace("\\|", "|").replace("\\$", "$").replace("\\\\", "\\");
  }

  /** A comparison prefix and the rest of a value. */
  record Prefixed(String prefix, String rest) {
    static Prefixed of(String value) {
      var m = PREFIXED.matcher(value);
      m.matches();
      return new Prefixed(m.group(1) == null ? "eq" : m.group(1), m.group(2));
    }
  }
}
