package io.bastion.fhir.search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Derives, from the R4 expressions of one type's parameters, which parameters' values are rows of others
 * ({@link StoredRows}), so that each value is indexed once:
 * <ul>
 *   <li>the same expression as an earlier parameter (phonetic = name): that one's rows;</li>
 *   <li>another's expression restricted by {@code .where(resolve() is T)} (reference) or {@code
 *       .where(system='x')} (token, over ContactPoint values, whose system is the row's): that one's rows
 *       with {@code target_type = T} or {@code system = x}, which is what the restriction keeps;</li>
 *   <li>a union some of whose members are other parameters' whole expressions (combo-code = Observation.code |
 *       Observation.component.code): those parameters' rows, and its own for the members left;</li>
 *   <li>a string member whose parts other parameters index alone (Patient.address and Patient.address.city):
 *       their rows, the member's own rows without those parts.</li>
 * </ul>
 * Date parameters are not shared: a sealed date's shift is decided per expression.
 */
final class RowSharing {

  private static final Pattern RESTRICTED = Pattern.compile("(.+)\\.where\\((?:resolve\\(\\) is ([A-Za-z]+)|system='([^']*)')\\)");

  private RowSharing() {
  }

  /** The rows of each parameter of one type, by code; the parameters in table order. */
  static Map<String, StoredRows> derive(List<SearchParameter> parameters) {
    Map<String, StoredRows> out = new LinkedHashMap<>();
    for (SearchParameter p : parameters) {
      if (!p.isColumn()) {
        out.put(p.code(), of(p, parameters, out));
      }
    }
    return out;
  }

  private static StoredRows of(SearchParameter p, List<SearchParameter> all, Map<String, StoredRows> known) {
    StoredRows existing = known.get(p.code());
    if (existing != null) {
      return existing;
    }
    SearchParameter same = earlierWithSameExpression(p, all);
    if (same != null) {
      StoredRows rows = of(same, all, known);
      return new StoredRows(rows.sources(), rows.column(), rows.value(), List.of());
    }
    StoredRows restricted = restricted(p, all, known);
    if (restricted != null) {
      return restricted;
    }
    return union(p, all, known);
  }

  private static SearchParameter earlierWithSameExpression(SearchParameter p, List<SearchParameter> all) {
    for (SearchParameter q : all) {
      if (q == p) {
        return null;
      }
      if (sameKind(p, q) && q.expression().equals(p.expression()) && p.type() != SearchParamType.DATE) {
        return q;
      }
    }
    return null;
  }

  private static StoredRows restricted(SearchParameter p, List<SearchParameter> all, Map<String, StoredRows> known) {
    Matcher m = RESTRICTED.matcher(p.expression());
    if (!m.matches()) {
      return null;
    }
    boolean byType = m.group(2) != null;
    if (p.type() != (byType ? SearchParamType.REFERENCE : SearchParamType.TOKEN)) {
      return null;
    }
    for (SearchParameter q : all) {
      if (q != p && sameKind(p, q) && q.expression().equals(m.group(1))) {
        StoredRows rows = of(q, all, known);
        if (rows.column() != null) {
          return null;
        }
        return new StoredRows(rows.sources(), byType ? "target_type" : "system", byType ? m.group(2) : m.group(3),
            List.of());
      }
    }
    return null;
  }

  /** The members other parameters index whole, then the string parts of those left; the rest written. */
  private static StoredRows union(SearchParameter p, List<SearchParameter> all, Map<String, StoredRows> known) {
    List<String> members = FhirPath.splitUnion(p.expression());
    List<StoredRows.Source> sources = new ArrayList<>();
    Set<String> covered = new HashSet<>();
    if (p.type() != SearchParamType.DATE && members.size() > 1) {
      List<SearchParameter> parts = new ArrayList<>(all);
      parts.sort(Comparator.comparingInt((SearchParameter q) -> -FhirPath.splitUnion(q.expression()).size()));
      for (SearchParameter q : parts) {
        List<String> own = FhirPath.splitUnion(q.expression());
        if (q == p || !sameKind(p, q) || own.size() >= members.size() || !members.containsAll(own)
            || own.stream().anyMatch(covered::contains)) {
          continue;
        }
        StoredRows rows = of(q, all, known);
        if (rows.column() == null) {
          sources.addAll(rows.sources());
          covered.addAll(own);
        }
      }
    }
    List<StoredRows.Write> writes = new ArrayList<>();
    for (String member : members) {
      if (covered.contains(member)) {
        continue;
      }
      Set<String> skipped = new HashSet<>();
      if (p.type() == SearchParamType.STRING) {
        for (SearchParameter q : all) {
          String part = q.expression().startsWith(member + ".") ? q.expression().substring(member.length() + 1) : null;
          if (part != null && q != p && q.type() == SearchParamType.STRING && SearchIndexer.STRING_PARTS.contains(part)
              && of(q, all, known).owned(q.code())) {
            sources.add(new StoredRows.Source(q.code(), part));
            skipped.add(part);
          }
        }
      }
      writes.add(new StoredRows.Write(member, Set.copyOf(skipped)));
    }
    if (sources.isEmpty()) {
      return StoredRows.own(p.code(), p.expression());
    }
    List<StoredRows.Source> named = new ArrayList<>();
    if (!writes.isEmpty()) {
      named.add(new StoredRows.Source(p.code(), null));
    }
    named.addAll(sources);
    return new StoredRows(List.copyOf(named), null, null, List.copyOf(writes));
  }

  /** Rows of the same table, read the same way: same parameter type, and for composites the same components. */
  private static boolean sameKind(SearchParameter p, SearchParameter q) {
    return p.type() == q.type() && p.components().equals(q.components());
  }
}
