package io.bastion.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.bastion.testsupport.TestNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The gateway against a real node: health, metrics, headers, error formats, limits. */
class GatewayHttpTest {

  private static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of("http.max-body-bytes", "2048"));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void aMalformedChunkIsTheClientsErrorNotAnUnhandledOne() throws Exception {
    List<Logger> loggers = List.of((Logger) LoggerFactory.getLogger("io.vertx.ext.web.RoutingContext"),
        (Logger) LoggerFactory.getLogger(ErrorRenderer.class));
    ListAppender<ILoggingEvent> errors = new ListAppender<>();
    errors.start();
    loggers.forEach(logger -> logger.addAppender(errors));
    try {
      for (String path : List.of("/fhir/Patient", "/admin/api/session", "/health/live")) {
        try (Socket socket = new Socket("127.0.0.1", node.port())) {
          socket.setSoTimeout(5_000);
          socket.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
              + "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
          InputStream in = socket.getInputStream();
          byte[] head = in.readNBytes(12); // Netty may close the connection before the answer leaves: then nothing
          String status = new String(head, StandardCharsets.US_ASCII);
          assertTrue(head.length == 0 || status.startsWith("HTTP/1.1 4"), path + ": " + status);
        }
      }
      Thread.sleep(300);
      assertTrue(errors.list.stream().noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.ERROR)), errors.list.toString());
    } finally {
      loggers.forEach(logger -> logger.detachAppender(errors));
    }
  }

  @Test
  void aBodyThatFailsToDecodeIsLoggedWithTheStatusItGot() throws Exception {
    Logger access = (Logger) LoggerFactory.getLogger("bastion.access");
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    Level level = access.getLevel();
    access.setLevel(Level.INFO); // logback-test.xml keeps the access log quiet
    access.addAppender(lines);
    try {
      String form = "name=%zz"; // not a %-escape: the form decoder fails while the body is read
      var response = node.send(HttpMethod.POST, "/fhir/Patient/_search",
          Map.of("Content-Type", "application/x-www-form-urlencoded"), Buffer.buffer(form));
      assertEquals(400, response.statusCode(), response.bodyAsString());
      Thread.sleep(300);
      List<String> logged = lines.list.stream().map(e -> e.getKeyValuePairs().stream()
          .filter(kv -> kv.key.equals("status") || kv.key.equals("completed")).map(kv -> kv.key + "=" + kv.value)
          .toList().toString()).toList();
      assertEquals(List.of("[status=400, completed=true]"), logged, "metrics and the access log saw what the client got");
    } finally {
      access.detachAppender(lines);
      access.setLevel(level);
    }
  }

  @Test
  void liveAndReadyReportHealthJson() {
    var live = node.get("/health/live");
    assertEquals(200, live.statusCode());
    assertEquals("application/health+json", live.getHeader("Content-Type"));
    assertEquals("pass", live.bodyAsJsonObject().getString("status"));

    var ready = node.get("/health/ready");
    assertEquals(200, ready.statusCode());
    JsonObject checks = ready.bodyAsJsonObject().getJsonObject("checks");
    assertEquals("pass", checks.getJsonArray("postgres:connection").getJsonObject(0).getString("status"));
    assertEquals("pass", checks.getJsonArray("redis:connection").getJsonObject(0).getString("status"));
    assertEquals(latestMigration(), checks.getJsonArray("postgres:migrations").getJsonObject(0).getString("observedValue"));
  }

  @Test
  void metricsAreLabelledByRouteTemplateNeverRawPath() {
    node.get("/health/live");
    node.get("/fhir/Patient/secret-id-123?name=Smith");
    var metrics = node.get("/metrics");
    assertEquals(200, metrics.statusCode());
    assertTrue(metrics.getHeader("Content-Type").startsWith("text/plain; version=0.0.4"));
    String text = metrics.bodyAsString();
    assertTrue(text.contains("vertx_http_server_requests_total{code=\"200\",method=\"GET\",route=\"/health/live\"}"), text);
    assertTrue(text.contains("vertx_http_server_response_time_seconds_bucket"), "latency histogram for quantiles");
    assertTrue(text.contains("vertx_pool_"), "pool metrics");
    assertTrue(text.contains("jvm_memory_used_bytes"), "JVM metrics");
    assertFalse(text.contains("secret-id-123"), "raw paths must never become labels");
    assertFalse(text.contains("Smith"));
    assertTrue(text.contains("bastion_waf_requests_total{outcome=\"pass\"}"), "waf.mode on (the default) evaluates");
  }

  @Test
  void securityHeadersAndRequestIdOnEveryResponse() {
    var response = node.get("/health/live");
    assertTrue(response.getHeader("Content-Security-Policy").contains("frame-ancestors 'none'"));
    assertFalse(response.getHeader("Content-Security-Policy").contains("unsafe-inline"));
    assertEquals("nosniff", response.getHeader("X-Content-Type-Options"));
    assertEquals("no-referrer", response.getHeader("Referrer-Policy"));
    assertNotNull(response.getHeader("X-Request-Id"));
    assertEquals(null, response.getHeader("Strict-Transport-Security"), "HSTS only under TLS");
  }

  @Test
  void plainIncomingRequestIdIsKeptAndHostileOneReplaced() {
    var kept = node.send(HttpMethod.GET, "/health/live", Map.of("X-Request-Id", "abc-123-def-456"), null);
    assertEquals("abc-123-def-456", kept.getHeader("X-Request-Id"));
    var replaced = node.send(HttpMethod.GET, "/health/live", Map.of("X-Request-Id", "x\"}{\"injected"), null);
    assertTrue(replaced.getHeader("X-Request-Id").matches("[0-9a-f]{32}"));
  }

  @Test
  void errorsAreOperationOutcomesUnderFhirAndProblemJsonElsewhere() {
    var fhir = node.get("/fhir/NoSuchThing/1");
    assertEquals(404, fhir.statusCode());
    assertTrue(fhir.getHeader("Content-Type").startsWith("application/fhir+json"));
    JsonObject outcome = fhir.bodyAsJsonObject();
    assertEquals("OperationOutcome", outcome.getString("resourceType"));
    assertEquals("not-found", outcome.getJsonArray("issue").getJsonObject(0).getString("code"));

    var other = node.get("/nope");
    assertEquals(404, other.statusCode());
    assertEquals("application/problem+json", other.getHeader("Content-Type"));
    assertEquals(404, other.bodyAsJsonObject().getInteger("status"));
    assertTrue(other.bodyAsJsonObject().getString("instance").endsWith(other.getHeader("X-Request-Id")));
  }

  @Test
  void headIsAnsweredWhereverGetIsWithoutTheBody() {
    for (String path : List.of("/health/ready", "/health/live", "/fhir/metadata", "/admin/")) {
      var get = node.get(path);
      var head = node.send(HttpMethod.HEAD, path, Map.of(), null);
      assertEquals(get.statusCode(), head.statusCode(), path);
      assertEquals(get.getHeader("Content-Type"), head.getHeader("Content-Type"), path);
      assertTrue(get.body().length() > 0, path);
      assertTrue(head.body() == null || head.body().length() == 0, path + " answered a body to HEAD");
    }
    assertEquals(404, node.send(HttpMethod.HEAD, "/nope", Map.of(), null).statusCode());
  }

  @Test
  void oversizedBodyIsRefusedBeforeItIsRead() {
    var response = node.send(HttpMethod.POST, "/admin/api/session", Map.of("Content-Type", "application/json"),
        Buffer.buffer("x".repeat(4096)));
    assertEquals(413, response.statusCode());
    assertEquals("application/problem+json", response.getHeader("Content-Type"));
    var fhir = node.send(HttpMethod.POST, "/fhir/Patient", Map.of("Content-Type", "application/fhir+json"),
        Buffer.buffer("x".repeat(4096)));
    assertEquals(413, fhir.statusCode());
    assertEquals("too-costly", fhir.bodyAsJsonObject().getJsonArray("issue").getJsonObject(0).getString("code"));
  }

  @Test
  void metadataIsACapabilityStatement() {
    var response = node.get("/fhir/metadata");
    assertEquals(200, response.statusCode());
    assertEquals("CapabilityStatement", response.bodyAsJsonObject().getString("resourceType"));
    assertEquals("4.0.1", response.bodyAsJsonObject().getString("fhirVersion"));
  }

  /**
   * The highest V{n}__ migration shipped, SQL or Java (V16 is Java: it derives from the parameter table), so the
   * check follows new migrations without edits here.
   */
  private static String latestMigration() {
    int latest = 0;
    for (String folder : java.util.List.of("src/main/resources/db/migration", "src/main/java/db/migration")) {
      try (var files = java.nio.file.Files.list(java.nio.file.Path.of(folder))) {
        latest = Math.max(latest, files.map(f -> f.getFileName().toString())
            .filter(n -> n.matches("V[0-9]+__.*\\.(sql|java)"))
            .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).max().orElse(0));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return String.valueOf(latest);
  }
}
