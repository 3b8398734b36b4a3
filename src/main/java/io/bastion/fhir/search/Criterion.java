package io.bastion.fhir.search;

/**
 * One parsed search criterion (a parameter with its OR-ed values). It renders as a SQL condition on the
 * resource row called {@code alias}; the parameters it needs are bound into the statement being built.
 */
interface Criterion {

  String sql(Sql sql, String alias);
}
