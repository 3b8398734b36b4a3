package io.bastion.fhir.search;

import java.util.List;

/**
 * One search parameter as it applies to one resource type.
 *
 * @param base       the resource type
 * @param code       the name used in query strings
 * @param type       the R4 parameter type
 * @param url        the canonical URL of the R4 SearchParameter definition
 * @param expression the FHIRPath expression, restricted to this base type's union members
 * @param targets    for references, the resource types a reference may point to (empty: any)
 * @param components for composites, the typed component expressions, relative to each match of expression
 * @param rows       which index rows hold its values (its own, or those it shares with other parameters)
 */
public record SearchParameter(String base, String code, SearchParamType type, String url, String expression,
    List<String> targets, List<Component> components, StoredRows rows) {

  /** A parameter that owns its index rows. */
  public SearchParameter(String base, String code, SearchParamType type, String url, String expression,
      List<String> targets, List<Component> components) {
    this(base, code, type, url, expression, targets, components, StoredRows.own(code, expression));
  }

  /** The same parameter with its values in these rows. */
  SearchParameter storedIn(StoredRows rows) {
    return new SearchParameter(base, code, type, url, expression, targets, components, rows);
  }

  /** A composite's component: its type and expression relative to the composite's match. */
  public record Component(SearchParamType type, String expression) {
  }

  /** True for _id and _lastUpdated, which are columns of fhir_resource rather than index rows. */
  public boolean isColumn() {
    return code.equals("_id") || code.equals("_lastUpdated");
  }
}
