package io.bastion.fhir.search;

import io.bastion.fhir.FhirException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One level of chaining ({@code subject:Patient.name=x}, {@code subject.name=x}) and of reverse chaining
 * ({@code _has:Observation:patient:code=x}), as semi-joins through fhir_idx_reference.
 */
final class Chains {

  private Chains() {
  }

  /** Null when the reference parameter or the chained parameter is unknown. */
  static Criterion chain(SearchParameters parameters, String type, String head, String tail, String value,
      Instant now) {
    int colon = head.indexOf(':');
    String code = colon < 0 ? head : head.substring(0, colon);
    String targetType = colon < 0 ? null : head.substring(colon + 1);
    SearchParameter reference = parameters.find(type, code);
    if (reference == null || reference.type() != SearchParamType.REFERENCE) {
      return null;
    }
    if (tail.contains(".")) {
      throw FhirException.of(400, "not-supported", "only one level of chaining is supported", head);
    }
    List<String> candidates = targetType != null ? List.of(targetType) : reference.targets();
    if (candidates.isEmpty()) {
      throw FhirException.of(400, "value", "this reference can point to any type; name one (" + code + ":Type." + tail
          + ")", head);
    }
    List<String> types = new ArrayList<>();
    List<Criterion> inner = new ArrayList<>();
    for (String candidate : candidates) {
      Criterion criterion = tail.startsWith("_has:") ? null : SearchRequest.criterion(parameters, candidate, tail, value, now);
      if (criterion != null) {
        types.add(candidate);
        inner.add(criterion);
      }
    }
    if (types.isEmpty()) {
      return null;
    }
    return (sql, alias) -> {
      StringBuilder targets = new StringBuilder();
      for (int k = 0; k < types.size(); k++) {
        targets.append(k == 0 ? "" : " OR ").append("(t.res_type = ").append(sql.bind(types.get(k))).append(" AND ")
            .append(inner.get(k).sql(sql, "t")).append(')');
      }
      return alias + ".res_pk IN (SELECT i.res_pk FROM fhir_idx_reference i JOIN fhir_resource t"
          + " ON t.res_type = i.target_type AND t.res_id = i.target_id WHERE i.res_type = " + sql.bind(type)
          + " AND " + reference.rows().sql(sql, "i") + " AND NOT t.deleted AND (" + targets + "))";
    };
  }

  /** {@code _has:SourceType:referenceParam:param[:modifier]}; null when a part is unknown. */
  static Criterion has(SearchParameters parameters, String type, String name, String value, Instant now) {
    String[] parts = name.split(":", 4);
    if (parts.length != 4) {
      throw FhirException.of(400, "value", "_has is _has:Type:reference:parameter", "_has");
    }
    String source = parts[1];
    SearchParameter reference = parameters.find(source, parts[2]);
    if (reference == null || reference.type() != SearchParamType.REFERENCE || parts[3].startsWith("_has:")) {
      return null;
    }
    Criterion inner = SearchRequest.criterion(parameters, source, parts[3], value, now);
    if (inner == null) {
      return null;
    }
    return (sql, alias) -> "EXISTS (SELECT 1 FROM fhir_idx_reference i JOIN fhir_resource o ON o.res_pk = i.res_pk"
        + " WHERE NOT o.deleted AND i.res_type = " + sql.bind(source) + " AND " + reference.rows().sql(sql, "i")
        + " AND i.target_id = " + alias + ".res_id AND i.target_type = " + alias + ".res_type AND "
        + inner.sql(sql, "o") + ")";
  }
}
