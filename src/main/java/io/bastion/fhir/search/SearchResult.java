package io.bastion.fhir.search;

import java.time.Instant;
import java.util.List;

/**
 * A page of search results: the matches in order, the resources _include/_revinclude added, where the next
 * page starts (null on the last page) and the total when it is known.
 */
public record SearchResult(List<Entry> matches, List<Entry> included, String nextCursor, Long total) {

  /** A resource in the page, its JSON text as PostgreSQL returned it. */
  public record Entry(long pk, String type, String id, int version, Instant lastUpdated, String json) {
  }
}
