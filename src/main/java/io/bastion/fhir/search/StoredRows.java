package io.bastion.fhir.search;

import io.bastion.fhir.phi.PhiProtection;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Where a parameter's values are in the index tables ({@link RowSharing} derives it from the expressions). Most
 * parameters own their rows. One whose values are other parameters' values together (combo-code = code |
 * component-code; address = its line and district and the address-city, -state, -postalcode and -country
 * values) writes only what no other parameter holds and is searched on the rows of all of them. One whose
 * values are another's restricted to a type or a system (patient = subject.where(resolve() is Patient), phone
 * = telecom.where(system='phone')), or exactly another's (phonetic = name), writes nothing and is searched on
 * the other's rows under that restriction. Each value is written once: a third of a Patient's rows were copies.
 *
 * @param sources the names whose rows hold the values; each with the string part it stands for (see {@link #names})
 * @param column  null, or the column the sources' rows are restricted on ({@code target_type}, {@code system})
 * @param value   the value that column must have
 * @param writes  what the indexer writes under the parameter's own name (nothing when empty)
 */
public record StoredRows(List<Source> sources, String column, String value, List<Write> writes) {

  /** Rows of {@code name}; {@code part} non-null: they stand for that part of a string value (city of an Address). */
  public record Source(String name, String part) {
  }

  /** The values of {@code expression}, string values without their {@code skippedParts} (indexed elsewhere). */
  public record Write(String expression, Set<String> skippedParts) {
  }

  /** A parameter that owns all its rows. */
  static StoredRows own(String code, String expression) {
    return new StoredRows(List.of(new Source(code, null)), null, null, List.of(new Write(expression, Set.of())));
  }

  /** True when the rows searched are only the parameter's own (the common case). */
  public boolean owned(String code) {
    return column == null && sources.size() == 1 && sources.get(0).name().equals(code);
  }

  /**
   * The names whose rows to search. A part that PHI seals is left out of a string parameter's own rows (its
   * text must not sit in the index), so a source standing for that part is not searched either: the parameter
   * keeps finding exactly what it found when it wrote its own rows.
   */
  public List<String> names(PhiProtection phi) {
    List<String> names = new ArrayList<>(sources.size());
    for (Source source : sources) {
      if ((source.part() == null || !phi.seals(source.part())) && !names.contains(source.name())) {
        names.add(source.name());
      }
    }
    return names;
  }

  /** The target type a reference parameter's rows are restricted to, or null. */
  public String targetType() {
    return "target_type".equals(column) ? value : null;
  }

  /** {@code alias.name = $n} (one name) or {@code alias.name = ANY($n)}, and the restriction if any. */
  String sql(Sql sql, String alias) {
    List<String> names = names(sql.phi());
    return names.size() == 1 ? sql(sql, alias, names.get(0))
        : restricted(sql, alias, alias + ".name = ANY(" + sql.bind(names.toArray(String[]::new)) + ")");
  }

  /** The rows of one of {@link #names}, under the restriction if any. */
  String sql(Sql sql, String alias, String name) {
    return restricted(sql, alias, alias + ".name = " + sql.bind(name));
  }

  private String restricted(Sql sql, String alias, String condition) {
    return column == null ? condition : condition + " AND " + alias + "." + column + " = " + sql.bind(value);
  }
}
