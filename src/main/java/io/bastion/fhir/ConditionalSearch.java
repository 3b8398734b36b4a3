package io.bastion.fhir;

import io.bastion.fhir.search.SearchParameters;
import io.bastion.fhir.search.SearchRequest;
import io.bastion.fhir.search.SearchService;
import io.bastion.fhir.store.ResourceStore;
import io.bastion.fhir.store.ResourceVersion;
import io.vertx.core.Future;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The search behind the conditional interactions (conditional create, update and delete, over REST and in
 * Bundle entries), and the key of the advisory lock that makes each atomic with its write.
 */
final class ConditionalSearch {

  private final SearchParameters searchParameters;
  private final SearchRequest.Limits limits;
  private final Clock clock;

  ConditionalSearch(SearchParameters searchParameters, SearchRequest.Limits limits, Clock clock) {
    this.searchParameters = searchParameters;
    this.limits = limits;
    this.clock = clock;
  }

  /**
   * The conditional interactions' search (conditional create, update, delete; REST and Bundle entries): the
   * criteria parsed in strict mode (an unknown parameter is a 400), at most two matches fetched. Answers the
   * one match, null for none; more than one fails 412. Atomic with the write that follows only when run
   * on the connection of a transaction holding the criteria's lock ({@link ResourceStore#inCriteriaLocks},
   * {@link #key}; docs/fhir.md, "Conditional interactions").
   *
   * @param searcher   the search service bound to the transaction that holds the criteria's lock
   * @param what       names the criteria in error messages ("If-None-Exist", "entry[2]: request.ifNoneExist")
   * @param expression the OperationOutcome expression for errors
   */
  Future<ResourceVersion> findOne(SearchService searcher, String type, List<Map.Entry<String, String>> criteria,
      String what, String expression) {
    try {
      List<Map.Entry<String, String>> params = searchable(criteria);
      if (params.isEmpty()) {
        throw FhirException.of(400, "invalid", what + " names no search parameters", expression);
      }
      params.add(new AbstractMap.SimpleImmutableEntry<>("_count", "2"));
      SearchRequest request = SearchRequest.parse(searchParameters, type, params, true, limits, clock.instant());
      return searcher.search(request).map(result -> {
        if (result.matches().size() > 1) {
          throw FhirException.of(412, "duplicate", what + " matches more than one resource", expression);
        }
        if (result.matches().isEmpty()) {
          return null;
        }
        var match = result.matches().get(0);
        return new ResourceVersion(match.type(), match.id(), match.version(), match.lastUpdated(), false, null,
            match.json());
      });
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private static List<Map.Entry<String, String>> searchable(List<Map.Entry<String, String>> criteria) {
    List<Map.Entry<String, String>> params = new ArrayList<>(criteria);
    params.removeIf(p -> p.getKey().equals("_count") || p.getKey().equals("_format") || p.getKey().equals("_pretty"));
    return params;
  }

  /**
   * The advisory-lock key of a conditional interaction's criteria: the type and the searched parameters, sorted,
   * so the same criteria in another order or with _count/_format take the same lock.
   */
  static String key(String type, List<Map.Entry<String, String>> criteria) {
    return type + "?" + searchable(criteria).stream()
        .map(p -> URLEncoder.encode(p.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(p.getValue(), StandardCharsets.UTF_8))
        .sorted().collect(Collectors.joining("&"));
  }

  /** A query string ("a=1&b=2", with or without a leading "Type?") as decoded parameters. */
  static List<Map.Entry<String, String>> criteria(String text) {
    int q = text.indexOf('?');
    return BundleEntry.query(q >= 0 ? text.substring(q + 1) : text);
  }
}
