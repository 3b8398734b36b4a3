package io.bastion.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.testsupport.TestNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Short FHIR requests against a {@link TestNode}, so each test case reads as the interaction it checks. As a
 * JUnit extension ({@link #onNewNode}, a static {@code @RegisterExtension} field) it also starts the class's node
 * before its tests and closes it after them.
 */
final class FhirHttp implements BeforeAllCallback, AfterAllCallback {

  static final String FHIR_JSON = "application/fhir+json";

  private final Map<String, String> settings;
  private TestNode node;

  /** Requests against a node the caller started and closes. */
  FhirHttp(TestNode node) {
    this.settings = null;
    this.node = node;
  }

  private FhirHttp(Map<String, String> settings) {
    this.settings = settings;
  }

  /** A node (no Redis) with these settings, started before the class's tests and closed after them. */
  static FhirHttp onNewNode(Map<String, String> settings) {
    return new FhirHttp(settings);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (settings != null) {
      node = TestNode.startWithout(settings);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (settings != null && node != null) {
      node.close();
    }
  }

  TestNode node() {
    return node;
  }

  HttpResponse<Buffer> get(String path) {
    return node.send(HttpMethod.GET, path, Map.of(), null);
  }

  HttpResponse<Buffer> get(String path, Map<String, String> headers) {
    return node.send(HttpMethod.GET, path, headers, null);
  }

  HttpResponse<Buffer> post(String path, Object body) {
    return send(HttpMethod.POST, path, body, Map.of());
  }

  HttpResponse<Buffer> put(String path, Object body) {
    return send(HttpMethod.PUT, path, body, Map.of());
  }

  HttpResponse<Buffer> delete(String path) {
    return node.send(HttpMethod.DELETE, path, Map.of(), null);
  }

  /** Sends a JSON body (JsonObject, JsonArray or raw String) as application/fhir+json unless headers say otherwise. */
  HttpResponse<Buffer> send(HttpMethod method, String path, Object body, Map<String, String> headers) {
    Map<String, String> all = new HashMap<>();
    all.put("Content-Type", FHIR_JSON);
    all.putAll(headers);
    Buffer buffer = body == null ? null : Buffer.buffer(body instanceof String s ? s
        : body instanceof JsonObject o ? o.encode() : ((JsonArray) body).encode());
    return node.send(method, path, all, buffer);
  }

  /** GET, tried again a few times: the first request on a connection PostgreSQL dropped may still meet it. */
  HttpResponse<Buffer> getEventually(String path) throws InterruptedException {
    HttpResponse<Buffer> response = get(path);
    for (int tries = 0; tries < 5 && response.statusCode() != 200; tries++) {
      Thread.sleep(100);
      response = get(path);
    }
    return response;
  }

  /** Creates a resource and returns the stored representation. */
  JsonObject create(JsonObject resource) {
    HttpResponse<Buffer> response = post("/fhir/" + resource.getString("resourceType"), resource);
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  static JsonObject patient(String family) {
    return new JsonObject().put("resourceType", "Patient")
        .put("name", new JsonArray().add(new JsonObject().put("family", family).put("given", new JsonArray().add("Ann"))))
        .put("birthDate", "1970-01-31");
  }

  /** Asserts an OperationOutcome with this status whose issues include this code; returns the issues. */
  static JsonArray assertOutcome(HttpResponse<Buffer> response, int status, String code) {
    assertEquals(status, response.statusCode(), response.bodyAsString());
    assertTrue(response.getHeader("Content-Type").startsWith(FHIR_JSON), response.getHeader("Content-Type"));
    JsonObject outcome = response.bodyAsJsonObject();
    assertEquals("OperationOutcome", outcome.getString("resourceType"));
    JsonArray issues = outcome.getJsonArray("issue");
    assertTrue(issues.stream().anyMatch(i -> code.equals(((JsonObject) i).getString("code"))),
        "expected an issue with code " + code + " in " + issues.encode());
    return issues;
  }

  static String versionId(JsonObject resource) {
    return resource.getJsonObject("meta").getString("versionId");
  }
}
