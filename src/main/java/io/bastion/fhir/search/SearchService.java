package io.bastion.fhir.search;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.time.Instant;
import java.util.List;

/** Runs type-level searches against the search index. */
public interface SearchService {

  /** One page of a parsed search; bad cursors and values PostgreSQL rejects fail with a FhirException (400). */
  Future<SearchResult> search(SearchRequest request);

  /**
   * One page of Patient/{id}/$everything: the Patient (when {@code withPatient}) and every current resource whose
   * compartment parameters ({@code links}: {type, parameter} pairs) reference it, last updated at or after
   * {@code since} (null: any time), in res_pk order after {@code afterPk}; {@link SearchResult#nextCursor()} is the
   * last res_pk when more follow.
   */
  Future<SearchResult> everything(String patientId, boolean withPatient, List<String[]> links, Instant since,
      long afterPk, int count);

  /**
   * The same searches on one connection, e.g. a transaction's, so they see what it wrote and run after the
   * locks it holds (the conditional interactions' search, see ResourceStore#inCriteriaLocks).
   */
  SearchService on(SqlClient connection);
}
