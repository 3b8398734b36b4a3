package io.bastion.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.testsupport.TestNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** auth.enabled on a real node: bearer tokens on every FHIR route but metadata, SMART scopes per route. */
class FhirAuthorisationHttpTest {

  private static final String ISSUER = "https://idp.test/realms/bastion";
  private static final String AUDIENCE = "https://bastion.test/fhir";
  @TempDir
  static Path dir;
  private static TestKeys.Key key;
  private static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    key = TestKeys.rsa("k1");
    Path pem = dir.resolve("idp.pem");
    Files.writeString(pem, key.publicPem());
    node = TestNode.startWithout(Map.of("auth.enabled", "true", "auth.issuer", ISSUER, "auth.audience", AUDIENCE,
        "auth.public-key-files", pem.toString()));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static String token(String scope, String patient) {
    long now = System.currentTimeMillis() / 1000;
    JsonObject claims = new JsonObject().put("iss", ISSUER).put("aud", AUDIENCE).put("sub", "app-1")
        .put("exp", now + 300).put("iat", now).put("scope", scope);
    if (patient != null) {
      claims.put("patient", patient);
    }
    return TestKeys.sign(key, claims);
  }

  private static io.vertx.ext.web.client.HttpResponse<Buffer> call(HttpMethod method, String path, String token, JsonObject body) {
    Map<String, String> headers = new java.util.HashMap<>(Map.of("Content-Type", "application/fhir+json"));
    if (token != null) {
      headers.put("Authorization", "Bearer " + token);
    }
    return node.send(method, path, headers, body == null ? null : body.toBuffer());
  }

  @Test
  void metadataIsPublicEverythingElseNeedsAToken() {
    assertEquals(200, call(HttpMethod.GET, "/fhir/metadata", null, null).statusCode());
    var anonymous = call(HttpMethod.GET, "/fhir/Patient", null, null);
    assertEquals(401, anonymous.statusCode());
    assertTrue(anonymous.getHeader("WWW-Authenticate").startsWith("Bearer realm=\"bastion\""));
    assertEquals("OperationOutcome", anonymous.bodyAsJsonObject().getString("resourceType"));
    var forged = call(HttpMethod.GET, "/fhir/Patient", TestKeys.sign(TestKeys.rsa("k1"), new JsonObject()
        .put("iss", ISSUER).put("aud", AUDIENCE).put("sub", "x").put("exp", System.currentTimeMillis() / 1000 + 60)), null);
    assertEquals(401, forged.statusCode(), "signed by a key the node does not trust");
  }

  @Test
  void theAuditAgentIsTheTokensSubject() throws Exception {
    String write = token("user/Patient.cruds", null);
    var created = call(HttpMethod.POST, "/fhir/Patient", write,
        new JsonObject().put("resourceType", "Patient").put("active", true));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    String id = created.bodyAsJsonObject().getString("id");
    var server = node.node().postgres();
    try (var c = java.sql.DriverManager.getConnection(server.jdbcUrl(), server.options().getUser(),
        server.options().getPassword());
        var s = c.prepareStatement("SELECT agent, entry FROM audit_event WHERE patients @> ARRAY[?]::text[]")) {
      s.setString(1, id);
      try (var rows = s.executeQuery()) {
        assertTrue(rows.next());
        assertEquals("app-1", rows.getString("agent"));
        assertTrue(rows.getString("entry").contains("\"code\":\"create\""), rows.getString("entry"));
      }
    }
  }

  @Test
  void aScopeRefusalIsAuditedAsAFailure() throws Exception {
    var denied = call(HttpMethod.DELETE, "/fhir/Patient/refused-1", token("user/Patient.rs", null), null);
    assertEquals(403, denied.statusCode());
    var server = node.node().postgres();
    long deadline = System.currentTimeMillis() + 5_000;
    while (true) {
      try (var c = java.sql.DriverManager.getConnection(server.jdbcUrl(), server.options().getUser(),
          server.options().getPassword());
          var s = c.prepareStatement("SELECT agent, entry FROM audit_event WHERE patients @> ARRAY['refused-1']")) {
        try (var rows = s.executeQuery()) {
          if (rows.next()) {
            assertEquals("app-1", rows.getString("agent"));
            String entry = rows.getString("entry");
            assertTrue(entry.contains("\"code\":\"delete\"") && entry.contains("\"outcomeDesc\":\"HTTP 403\""), entry);
            return;
          }
        }
      }
      assertTrue(System.currentTimeMillis() < deadline, "the refusal was not audited");
      Thread.sleep(50);
    }
  }

  @Test
  void scopesDecidePerInteraction() {
    JsonObject patient = new JsonObject().put("resourceType", "Patient").put("active", true);
    String readOnly = token("user/Patient.rs", null);
    assertEquals(200, call(HttpMethod.GET, "/fhir/Patient", readOnly, null).statusCode());
    var denied = call(HttpMethod.POST, "/fhir/Patient", readOnly, patient);
    assertEquals(403, denied.statusCode());
    assertTrue(denied.getHeader("WWW-Authenticate").contains("insufficient_scope"));

    String writer = token("user/*.cruds", null);
    var created = call(HttpMethod.POST, "/fhir/Patient", writer, patient);
    assertEquals(201, created.statusCode());
    String location = created.getHeader("Location");
    String path = location.substring(location.indexOf("/fhir/"), location.indexOf("/_history"));
    assertEquals(200, call(HttpMethod.GET, path, readOnly, null).statusCode());
    assertEquals(403, call(HttpMethod.GET, "/fhir/Observation", readOnly, null).statusCode(), "no Observation scope");
  }

  @Test
  void bundleEntriesAreAuthorisedOneByOne() {
    JsonObject patient = new JsonObject().put("resourceType", "Patient").put("active", true);
    JsonObject observation = new JsonObject().put("resourceType", "Observation").put("status", "final")
        .put("code", new JsonObject().put("text", "x"));
    JsonObject transaction = new JsonObject().put("resourceType", "Bundle").put("type", "transaction")
        .put("entry", new io.vertx.core.json.JsonArray()
            .add(new JsonObject().put("resource", patient).put("request", new JsonObject().put("method", "POST").put("url", "Patient")))
            .add(new JsonObject().put("resource", observation).put("request", new JsonObject().put("method", "POST").put("url", "Observation"))));
    assertEquals(401, call(HttpMethod.POST, "/fhir", null, transaction).statusCode());
    var refused = call(HttpMethod.POST, "/fhir", token("user/Patient.cruds", null), transaction);
    assertEquals(403, refused.statusCode(), refused.bodyAsString());
    assertTrue(refused.bodyAsString().contains("Bundle.entry[1]"), refused.bodyAsString());
    assertEquals(200, call(HttpMethod.POST, "/fhir", token("user/Patient.cruds user/Observation.c", null), transaction)
        .statusCode());
    assertEquals(403, call(HttpMethod.POST, "/fhir", token("patient/*.cruds", "pat-1"), transaction).statusCode(),
        "compartment-restricted scopes are refused for Bundles");
  }

  @Test
  void patientContextTokensAreRefusedUntilCompartmentsAreEnforced() {
    var response = call(HttpMethod.GET, "/fhir/Patient", token("patient/Patient.rs", "pat-1"), null);
    assertEquals(403, response.statusCode(), "an unconfined search would reach other patients' data");
  }
}
