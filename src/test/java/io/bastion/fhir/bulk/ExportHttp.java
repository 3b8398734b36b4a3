package io.bastion.fhir.bulk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.bastion.testsupport.TestNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** $export requests against a {@link TestNode}: kick-off, polling until done, downloads as parsed NDJSON. */
public final class ExportHttp {

  private final TestNode node;
  /** "Bearer …", or null when auth is off. */
  private final String authorization;

  public ExportHttp(TestNode node, String token) {
    this.node = node;
    this.authorization = token == null ? null : "Bearer " + token;
  }

  public HttpResponse<Buffer> send(HttpMethod method, String pathOrUrl, Map<String, String> headers) {
    Map<String, String> all = new HashMap<>(headers);
    if (authorization != null) {
      all.put("Authorization", authorization);
    }
    return node.send(method, relative(pathOrUrl), all, null);
  }

  /** A kick-off with Prefer: respond-async and Accept: application/fhir+json. */
  public HttpResponse<Buffer> kickOff(String pathAndQuery) {
    return send(HttpMethod.GET, pathAndQuery, Map.of("Prefer", "respond-async", "Accept", "application/fhir+json"));
  }

  /**
   * Kicks off, expects 202, returns the status URL. A 429 (every export slot busy, e.g. with a job an earlier
   * test left running) is retried for up to 10 s, as its Retry-After asks.
   */
  public String started(String pathAndQuery) {
    HttpResponse<Buffer> response = kickOff(pathAndQuery);
    long deadline = System.currentTimeMillis() + 10_000;
    while (response.statusCode() == 429 && System.currentTimeMillis() < deadline) {
      assertNotNull(response.getHeader("Retry-After"), "429 without Retry-After");
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      response = kickOff(pathAndQuery);
    }
    assertEquals(202, response.statusCode(), response.bodyAsString());
    String status = response.getHeader("Content-Location");
    assertNotNull(status, "202 without Content-Location");
    return status;
  }

  /** Polls the status URL until it is not 202 (each 202 must carry X-Progress and Retry-After). */
  public HttpResponse<Buffer> awaitDone(String statusUrl) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      HttpResponse<Buffer> poll = send(HttpMethod.GET, statusUrl, Map.of());
      if (poll.statusCode() != 202) {
        return poll;
      }
      assertNotNull(poll.getHeader("X-Progress"), "202 without X-Progress");
      assertNotNull(poll.getHeader("Retry-After"), "202 without Retry-After");
      Thread.sleep(50);
    }
    fail("the export did not finish within 60 s");
    return null;
  }

  /** Runs an export to completion and returns its manifest. */
  public JsonObject manifest(String pathAndQuery) throws InterruptedException {
    HttpResponse<Buffer> done = awaitDone(started(pathAndQuery));
    assertEquals(200, done.statusCode(), done.bodyAsString());
    assertTrue(done.getHeader("Content-Type").startsWith("application/json"), done.getHeader("Content-Type"));
    return done.bodyAsJsonObject();
  }

  /** Downloads one output file and parses each line as a JSON object. */
  public List<JsonObject> download(String url) {
    HttpResponse<Buffer> file = send(HttpMethod.GET, url, Map.of("Accept", "application/fhir+ndjson"));
    assertEquals(200, file.statusCode(), file.bodyAsString());
    assertEquals("application/fhir+ndjson", file.getHeader("Content-Type"));
    List<JsonObject> resources = new ArrayList<>();
    String text = file.bodyAsString();
    assertTrue(text.isEmpty() || text.endsWith("\n"), "NDJSON ends each line with a newline");
    for (String line : text.split("\n")) {
      if (!line.isEmpty()) {
        resources.add(new JsonObject(line));
      }
    }
    return resources;
  }

  private String relative(String pathOrUrl) {
    String base = node.baseUrl();
    return pathOrUrl.startsWith(base) ? pathOrUrl.substring(base.length()) : pathOrUrl;
  }
}
