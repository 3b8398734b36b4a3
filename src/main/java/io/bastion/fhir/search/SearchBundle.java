package io.bastion.fhir.search;

import io.bastion.fhir.FhirException;
import io.bastion.fhir.JsonStrings;
import io.bastion.fhir.search.SearchResult.Entry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Renders a search page as a Bundle of type searchset. Resource bodies are spliced in as the JSON text
 * PostgreSQL returned, unless _elements or _summary=data asks for a subset, which needs them decoded.
 * Ignored (unknown) parameters are reported in an OperationOutcome entry with search.mode outcome.
 */
public final class SearchBundle {

  private static final Set<String> ALWAYS = Set.of("resourceType", "id", "meta");

  private SearchBundle() {
  }

  /** @param base the /fhir base URL; @param current the cursor of this page, or null for the first */
  public static String render(String base, SearchRequest request, SearchResult result, String current, Instant now) {
    String query = base + "/" + request.type() + "?" + request.linkQuery();
    String joiner = request.linkQuery().isEmpty() ? "" : "&";
    JsonArray links = new JsonArray().add(link("self", current == null ? query : query + joiner + "_cursor=" + current));
    if (result.nextCursor() != null) {
      links.add(link("next", query + joiner + "_cursor=" + result.nextCursor()));
    }
    JsonObject head = new JsonObject()
        .put("resourceType", "Bundle")
        .put("meta", new JsonObject().put("lastUpdated", now.toString()))
        .put("type", "searchset");
    if (result.total() != null) {
      head.put("total", result.total());
    }
    head.put("link", links);
    String encoded = head.encode();
    if (result.matches().isEmpty() && result.included().isEmpty() && request.ignored().isEmpty()) {
      return encoded; // FHIR JSON has no empty arrays
    }
    StringBuilder out = new StringBuilder(encoded.length() + 1024 * (result.matches().size() + 1));
    out.append(encoded, 0, encoded.length() - 1).append(",\"entry\":[");
    boolean first = true;
    for (Entry entry : result.matches()) {
      first = append(out, first, base, entry, "match", request);
    }
    for (Entry entry : result.included()) {
      first = append(out, first, base, entry, "include", request);
    }
    if (!request.ignored().isEmpty()) {
      out.append(first ? "" : ",").append(new JsonObject()
          .put("resource", ignoredOutcome(request.ignored()))
          .put("search", new JsonObject().put("mode", "outcome")).encode());
    }
    return out.append("]}").toString();
  }

  private static boolean append(StringBuilder out, boolean first, String base, Entry entry, String mode,
      SearchRequest request) {
    if (!first) {
      out.append(',');
    }
    JsonStrings.appendQuoted(out.append("{\"fullUrl\":"), base + "/" + entry.type() + "/" + entry.id())
        .append(",\"resource\":").append(body(entry, request))
        .append(",\"search\":{\"mode\":\"").append(mode).append("\"}}");
    return false;
  }

  private static String body(Entry entry, SearchRequest request) {
    return subset(entry.json(), request);
  }

  /**
   * The resource as the request's {@code _summary} and {@code _elements} shape it (itself when they ask for all of
   * it), tagged SUBSETTED when anything was left out; a read takes them as a search does.
   */
  public static String subset(String json, SearchRequest request) {
    boolean data = request.summary() == SearchRequest.Summary.DATA;
    if (request.elements().isEmpty() && !data) {
      return json;
    }
    JsonObject resource = new JsonObject(json);
    JsonObject subset = new JsonObject();
    for (String key : resource.fieldNames()) {
      boolean keep = request.elements().isEmpty() ? !key.equals("text")
          : ALWAYS.contains(key) || selected(request.elements(), key);
      if (keep) {
        subset.put(key, resource.getValue(key));
      }
    }
    JsonObject meta = subset.getJsonObject("meta", new JsonObject()).copy();
    JsonArray tags = meta.getJsonArray("tag", new JsonArray()).copy();
    tags.add(new JsonObject().put("system", "http://terminology.hl7.org/CodeSystem/v3-ObservationValue")
        .put("code", "SUBSETTED"));
    subset.put("meta", meta.put("tag", tags));
    return subset.encode();
  }

  /** Whether a JSON key is one of the elements; "value[x]" selects valueQuantity, valueString, … */
  private static boolean selected(Set<String> elements, String key) {
    if (elements.contains(key)) {
      return true;
    }
    for (int i = 1; i < key.length(); i++) {
      if (Character.isUpperCase(key.charAt(i))) {
        return elements.contains(key.substring(0, i) + "[x]");
      }
    }
    return false;
  }

  private static JsonObject ignoredOutcome(List<String> ignored) {
    JsonArray issues = new JsonArray();
    for (String name : ignored) {
      issues.add(FhirException.issue("warning", "not-supported", "the search parameter '" + name
          + "' is unknown for this type and was ignored (Prefer: handling=strict refuses it instead)", name));
    }
    return new JsonObject().put("resourceType", "OperationOutcome").put("issue", issues);
  }

  private static JsonObject link(String relation, String url) {
    return new JsonObject().put("relation", relation).put("url", url);
  }
}
