package io.bastion.fhir.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.testsupport.TestNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URI;
import java.time.Instant;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Short FHIR search requests against a {@link TestNode}, so each test case reads as the search it checks. A JUnit
 * extension (a static {@code @RegisterExtension} field): the class's node starts before its tests and closes after.
 */
final class SearchHttp implements BeforeAllCallback, AfterAllCallback {

  TestNode node;

  @Override
  public void beforeAll(ExtensionContext context) {
    node = TestNode.startWithout(Map.of());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (node != null) {
      node.close();
    }
  }

  /** Creates a resource and returns its id. */
  String create(JsonObject resource) {
    HttpResponse<Buffer> response = node.send(HttpMethod.POST, "/fhir/" + resource.getString("resourceType"),
        Map.of("Content-Type", "application/fhir+json"), Buffer.buffer(resource.encode()));
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getString("id");
  }

  HttpResponse<Buffer> get(String pathAndQuery, Map<String, String> headers) {
    return node.send(HttpMethod.GET, pathAndQuery, headers, null);
  }

  /** GET /fhir/{query}; asserts 200 and a searchset Bundle. */
  JsonObject search(String query) {
    return bundle(get("/fhir/" + query, Map.of()));
  }

  static JsonObject bundle(HttpResponse<Buffer> response) {
    assertEquals(200, response.statusCode(), response.bodyAsString());
    JsonObject bundle = response.bodyAsJsonObject();
    assertEquals("searchset", bundle.getString("type"), bundle.encode());
    return bundle;
  }

  /** The ids of the match entries, sorted. */
  static TreeSet<String> ids(JsonObject bundle) {
    return new TreeSet<>(orderedIds(bundle, "match"));
  }

  static List<String> orderedIds(JsonObject bundle, String mode) {
    List<String> ids = new ArrayList<>();
    for (Object e : bundle.getJsonArray("entry", new JsonArray())) {
      JsonObject entry = (JsonObject) e;
      if (mode.equals(entry.getJsonObject("search").getString("mode"))) {
        ids.add(entry.getJsonObject("resource").getString("id"));
      }
    }
    return ids;
  }

  static TreeSet<String> set(String... ids) {
    return new TreeSet<>(List.of(ids));
  }

  /** Walks every page from {@code first}, running {@code betweenPages} after each; the match ids in page order. */
  List<String> walk(String first, Runnable betweenPages, int maxPages) {
    List<String> seen = new ArrayList<>();
    String page = first;
    int pages = 0;
    while (page != null) {
      JsonObject bundle = bundle(get(page, Map.of()));
      seen.addAll(orderedIds(bundle, "match"));
      page = next(bundle);
      betweenPages.run();
      assertTrue(++pages < maxPages, "paging does not end");
    }
    return seen;
  }

  /** {@code Type?a=b&c=d} parsed as the node parses it (strict handling, _count 20 by default). */
  static SearchRequest parse(String search) {
    String type = search.substring(0, search.indexOf('?'));
    List<Map.Entry<String, String>> params = new ArrayList<>();
    for (String pair : search.substring(search.indexOf('?') + 1).split("&")) {
      params.add(new SimpleEntry<>(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1)));
    }
    return SearchRequest.parse(SearchParameters.r4(), type, params, true, new SearchRequest.Limits(20, 1000, 10),
        Instant.now());
  }

  /** The next link's path and query (relative to the node), or null. */
  static String next(JsonObject bundle) {
    for (Object l : bundle.getJsonArray("link")) {
      JsonObject link = (JsonObject) l;
      if ("next".equals(link.getString("relation"))) {
        URI uri = URI.create(link.getString("url"));
        return uri.getRawPath() + "?" + uri.getRawQuery();
      }
    }
    return null;
  }

  static String link(JsonObject bundle, String relation) {
    for (Object l : bundle.getJsonArray("link")) {
      if (relation.equals(((JsonObject) l).getString("relation"))) {
        return ((JsonObject) l).getString("url");
      }
    }
    return null;
  }

  static void assertOutcome(HttpResponse<Buffer> response, int status, String code) {
    assertEquals(status, response.statusCode(), response.bodyAsString());
    JsonArray issues = response.bodyAsJsonObject().getJsonArray("issue");
    assertTrue(issues.stream().anyMatch(i -> code.equals(((JsonObject) i).getString("code"))), issues.encode());
  }

  static JsonObject patient(String family, String given, String birthDate) {
    return new JsonObject().put("resourceType", "Patient")
        .put("name", new JsonArray().add(new JsonObject().put("family", family).put("given", new JsonArray().add(given))))
        .put("birthDate", birthDate);
  }
}
