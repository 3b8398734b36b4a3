package io.bastion.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.Node;
import io.bastion.security.SecurityAddresses;
import io.bastion.security.waf.WafCorpus;
import io.bastion.testsupport.TestNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The WAF inline in the gateway (pipeline step 5) against real nodes loaded with the OWASP CRS. */
class WafGatewayTest {

  private static final String SQLI = "1' UNION SELECT password FROM users WHERE '1'='1";
  private static final String PATIENT = "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"O'Brien\","
      + "\"given\":[\"Siobhan\"]}],\"gender\":\"female\",\"birthDate\":\"1970-04-01\"}";

  static Map<String, String> crs(String mode) {
    Path crs = WafCorpus.crsDir();
    Map<String, String> settings = new HashMap<>();
    settings.put("waf.mode", mode);
    settings.put("waf.paranoia-level", "1");
    settings.put("waf.rules", String.join(",", crs.resolve("crs-setup.conf.example").toString(),
        "builtin:crs-fhir-before", crs.resolve("rules/*.conf").toString()));
    return settings;
  }

  @Test
  void onModeBlocksSqlInjectionWithAnOperationOutcomeAndLetsBenignFhirThrough() {
    try (TestNode node = TestNode.startWithout(crs("on"))) {
      var blocked = node.get("/fhir/Patient?name=" + URLEncoder.encode(SQLI, StandardCharsets.UTF_8));
      assertEquals(403, blocked.statusCode());
      assertTrue(blocked.getHeader("Content-Type").startsWith("application/fhir+json"));
      JsonObject outcome = blocked.bodyAsJsonObject();
      assertEquals("OperationOutcome", outcome.getString("resourceType"));
      JsonObject issue = outcome.getJsonArray("issue").getJsonObject(0);
      assertEquals("forbidden", issue.getString("code"));
      String requestId = blocked.getHeader("X-Request-Id");
      assertTrue(issue.getJsonObject("details").getString("text").contains(requestId));
      String body = blocked.bodyAsString();
      assertFalse(body.matches("(?s).*\\b9[0-9]{5}\\b.*"), "no rule ids in the answer: " + body);
      assertFalse(body.contains("SELECT"), body);

      var admin = node.get("/admin/api/session?x=" + URLEncoder.encode(SQLI, StandardCharsets.UTF_8));
      assertEquals(403, admin.statusCode());
      assertEquals("application/problem+json", admin.getHeader("Content-Type"));
      assertTrue(admin.bodyAsJsonObject().getString("instance").endsWith(admin.getHeader("X-Request-Id")));

      var search = node.send(HttpMethod.GET, "/fhir/Patient?name=O%27Brien&birthdate=ge1970-01-01",
          Map.of("Accept", "application/fhir+json"), null);
      assertEquals(200, search.statusCode(), search.bodyAsString());
      var created = node.send(HttpMethod.POST, "/fhir/Patient", Map.of("Content-Type", "application/fhir+json",
          "Accept", "application/fhir+json"), Buffer.buffer(PATIENT));
      assertEquals(201, created.statusCode(), created.bodyAsString());

      String metrics = node.get("/metrics").bodyAsString();
      assertTrue(metrics.contains("bastion_waf_requests_total{outcome=\"blocked\"} 2.0"), metrics);
      assertTrue(metrics.contains("bastion_waf_evaluation_seconds_count{outcome=\"pass\"}"), metrics);
      printCosts(node);
    }
  }

  @Test
  void detectionOnlyPassesAndPublishesRuleIdsAndVariableNamesNeverValues() throws Exception {
    try (TestNode node = TestNode.startWithout(crs("detection-only"))) {
      CompletableFuture<JsonObject> event = new CompletableFuture<>();
      node.node().vertx().eventBus().<JsonObject>consumer(SecurityAddresses.EVENT, m -> event.complete(m.body()))
          .completion().await();
      var response = node.get("/fhir/Patient?name=" + URLEncoder.encode(SQLI, StandardCharsets.UTF_8));
      assertEquals(200, response.statusCode(), response.bodyAsString());
      JsonObject e = event.get(10, TimeUnit.SECONDS);
      assertEquals("detected", e.getString("outcome"));
      assertEquals(response.getHeader("X-Request-Id"), e.getString("requestId"));
      assertTrue(e.getBoolean("wouldBlock"), e.encode());
      assertTrue(e.getJsonArray("ruleIds").stream().anyMatch(id -> ((Number) id).intValue() / 1000 == 942), e.encode());
      assertTrue(e.getJsonArray("matchedVariables").contains("ARGS:name"), e.encode());
      assertTrue(e.getInteger("anomalyScore") >= 5, e.encode());
      assertNotNull(e.getString("clientIp"));
      assertEquals("/fhir/:type", e.getString("route"));
      String encoded = e.encode();
      assertFalse(encoded.contains("UNION") || encoded.contains("union") || encoded.contains("password"), encoded);
    }
  }

  @Test
  void brokenRulesFileRefusesStartUpNamingFileAndLine() throws Exception {
    Path broken = Files.createTempFile("broken-rules", ".conf");
    Files.writeString(broken, "# fine\nSecRule ARGS \"@rx a\" \"id:1,phase:2,deny\n"
        + "SecNoSuchDirective On\nSecRule ARGS \"@noSuchOperator x\" \"id:2,phase:2,pass\"\n");
    Map<String, String> settings = Map.of("waf.mode", "on", "waf.rules", broken.toString());
    var failure = assertThrows(Exception.class,
        () -> Node.start(TestNode.config(settings), TestNode.vertxOptions()).await());
    String message = String.valueOf(failure.getMessage());
    System.out.println("start-up refused: " + message);
    assertTrue(message.contains(broken.getFileName() + ":"), message);
    assertTrue(message.matches("(?s).*" + java.util.regex.Pattern.quote(broken.getFileName().toString()) + ":\\d+.*"), message);
  }

  /** Rough per-request cost of the inline evaluation (not a timed assertion: printed for the report). */
  private static void printCosts(TestNode node) {
    String get = "/fhir/Patient?name=Smith&birthdate=ge1970-01-01&_count=10";
    StringBuilder padded = new StringBuilder(PATIENT.substring(0, PATIENT.length() - 1));
    padded.append(",\"text\":{\"status\":\"generated\",\"div\":\"<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\">");
    while (padded.length() < 1950) {
      padded.append("Patient seen for routine follow up. ");
    }
    padded.append("</div>\"}}");
    for (int round = 0; round < 2; round++) {
      long before = evaluations(node);
      double sumBefore = evaluationSeconds(node);
      for (int i = 0; i < 200; i++) {
        node.get(get);
      }
      double getMicros = (evaluationSeconds(node) - sumBefore) / (evaluations(node) - before) * 1e6;
      before = evaluations(node);
      sumBefore = evaluationSeconds(node);
      int status = 0;
      for (int i = 0; i < 200; i++) {
        status = node.send(HttpMethod.POST, "/fhir/Patient", Map.of("Content-Type", "application/fhir+json"),
            Buffer.buffer(padded.toString())).statusCode();
      }
      double postMicros = (evaluationSeconds(node) - sumBefore) / (evaluations(node) - before) * 1e6;
      System.out.printf("WAF inline cost (CRS PL1, round %d): GET %.0f us, %d-byte POST %.0f us (status %d)%n",
          round, getMicros, padded.length(), postMicros, status);
      assertEquals(201, status, "a narrative passes the CRS behind builtin:crs-fhir-before");
    }
  }

  private static long evaluations(TestNode node) {
    return (long) metric(node, "bastion_waf_evaluation_seconds_count");
  }

  private static double evaluationSeconds(TestNode node) {
    return metric(node, "bastion_waf_evaluation_seconds_sum");
  }

  private static double metric(TestNode node, String name) {
    double total = 0;
    for (String line : node.get("/metrics").bodyAsString().split("\n")) {
      if (line.startsWith(name + "{")) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }
}
