package io.bastion.fhir;

import io.bastion.fhir.search.SearchParameters;
import io.bastion.fhir.search.SearchRequest;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code _summary} and {@code _elements} on read and vread: FHIR lets them shape a read as they shape a search's
 * matches (the same rules, {@link io.bastion.fhir.search.SearchBundle#subset}). Other parameters of a read are
 * ignored, as before.
 */
final class ReadSubset {

  private static final List<String> NAMES = List.of("_summary", "_elements");

  private final SearchParameters parameters;
  private final SearchRequest.Limits limits;
  private final Clock clock;

  ReadSubset(SearchParameters parameters, SearchRequest.Limits limits, Clock clock) {
    this.parameters = parameters;
    this.limits = limits;
    this.clock = clock;
  }

  /**
   * The subset this read asks for, or null for the whole resource (most reads: no query string at all). Read before
   * the resource is, so a bad value is a 400 without a database round trip.
   */
  SearchRequest of(RoutingContext ctx, String type) {
    if (ctx.request().query() == null) {
      return null;
    }
    List<Map.Entry<String, String>> asked = new ArrayList<>(2);
    for (String name : NAMES) {
      for (String value : ctx.queryParams().getAll(name)) {
        asked.add(Map.entry(name, value));
      }
    }
    return of(type, asked);
  }

  /** The same for a Bundle's read entry: its url's parameters ({@code Type/id?_elements=...}). */
  SearchRequest of(String type, List<Map.Entry<String, String>> query) {
    List<Map.Entry<String, String>> asked = query.stream().filter(p -> NAMES.contains(p.getKey())).toList();
    if (asked.isEmpty()) {
      return null;
    }
    SearchRequest subset = SearchRequest.parse(parameters, type, asked, false, limits, clock.instant());
    if (subset.summary() == SearchRequest.Summary.COUNT) {
      throw FhirException.of(400, "value", "_summary=count counts a search's matches; a read is one resource", "_summary");
    }
    return subset;
  }
}
