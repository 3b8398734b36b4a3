package io.bastion.fhir.search;

import io.vertx.core.Future;

/** Runs type-level searches against the search index. */
public interface SearchService {

  /** One page of a parsed search; bad cursors and values PostgreSQL rejects fail with a FhirException (400). */
  Future<SearchResult> search(SearchRequest request);
}
