package io.bastion.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.fhir.bulk.ExportHttp;
import io.bastion.testsupport.TestNode;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * $export with auth.enabled: export grants on every exported type, no patient-context tokens, jobs visible
 * only to the principal that started them, kick-off and downloads in the audit trail.
 */
class BulkExportAuthorisationHttpTest {

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
    var patient = node.send(HttpMethod.POST, "/fhir/Patient", Map.of("Content-Type", "application/fhir+json",
        "Authorization", "Bearer " + token("app-1", "user/Patient.c", null)),
        new JsonObject().put("resourceType", "Patient").put("active", true).toBuffer());
    assertEquals(201, patient.statusCode(), patient.bodyAsString());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static String token(String subject, String scope, String patient) {
    long now = System.currentTimeMillis() / 1000;
    JsonObject claims = new JsonObject().put("iss", ISSUER).put("aud", AUDIENCE).put("sub", subject)
        .put("exp", now + 300).put("iat", now).put("scope", scope);
    if (patient != null) {
      claims.put("patient", patient);
    }
    return TestKeys.sign(key, claims);
  }

  @Test
  void kickOffNeedsAnExportGrantOnEveryExportedType() {
    ExportHttp patientsOnly = new ExportHttp(node, token("app-1", "user/Patient.rs", null));
    var everything = patientsOnly.kickOff("/fhir/$export");
    assertEquals(403, everything.statusCode(), "a system export of every type needs every type");
    assertTrue(everything.getHeader("WWW-Authenticate").contains("insufficient_scope"));
    assertEquals(403, patientsOnly.kickOff("/fhir/$export?_type=Patient,Observation").statusCode());
    assertEquals(403, new ExportHttp(node, token("app-1", "user/Patient.r", null)).kickOff("/fhir/$export?_type=Patient")
        .statusCode(), "export needs search as well as read");
    assertEquals(202, patientsOnly.kickOff("/fhir/$export?_type=Patient").statusCode());
    assertEquals(202, new ExportHttp(node, token("backend", "system/*.rs", null)).kickOff("/fhir/$export")
        .statusCode());
    assertEquals(401, new ExportHttp(node, null).kickOff("/fhir/$export?_type=Patient").statusCode());
  }

  @Test
  void patientContextTokensAreRefused() {
    ExportHttp launched = new ExportHttp(node, token("app-2", "patient/*.rs user/*.rs", "p1"));
    assertEquals(403, launched.kickOff("/fhir/$export?_type=Patient").statusCode());
    assertEquals(403, launched.kickOff("/fhir/Patient/$export").statusCode());
    assertEquals(403, new ExportHttp(node, token("app-2", "patient/*.rs", "p1")).kickOff("/fhir/Patient/$export")
        .statusCode());
  }

  @Test
  void onlyThePrincipalThatStartedAJobSeesItAndItsFiles() throws Exception {
    ExportHttp owner = new ExportHttp(node, token("owner-1", "user/*.rs", null));
    ExportHttp other = new ExportHttp(node, token("other-1", "user/*.rs", null));
    String status = owner.started("/fhir/$export?_type=Patient");
    JsonObject manifest = owner.awaitDone(status).bodyAsJsonObject();
    assertEquals(true, manifest.getBoolean("requiresAccessToken"));
    String file = manifest.getJsonArray("output").getJsonObject(0).getString("url");

    assertEquals(404, other.send(HttpMethod.GET, status, Map.of()).statusCode(), "another principal's job is unknown");
    assertEquals(404, other.send(HttpMethod.GET, file, Map.of()).statusCode());
    assertEquals(404, other.send(HttpMethod.DELETE, status, Map.of()).statusCode());
    assertEquals(401, new ExportHttp(node, null).send(HttpMethod.GET, status, Map.of()).statusCode());
    assertEquals(401, new ExportHttp(node, null).send(HttpMethod.GET, file, Map.of()).statusCode());

    List<JsonObject> patients = owner.download(file);
    assertTrue(patients.stream().allMatch(p -> "Patient".equals(p.getString("resourceType"))));
    assertEquals(202, owner.send(HttpMethod.DELETE, status, Map.of()).statusCode());
  }

  @Test
  void kickOffAndDownloadAreAudited() throws Exception {
    ExportHttp auditor = new ExportHttp(node, token("audited-1", "user/*.rs", null));
    JsonObject manifest = auditor.manifest("/fhir/$export?_type=Patient");
    auditor.download(manifest.getJsonArray("output").getJsonObject(0).getString("url"));
    var server = node.node().postgres();
    try (var c = DriverManager.getConnection(server.jdbcUrl(), server.options().getUser(), server.options().getPassword());
        var s = c.prepareStatement("SELECT entry FROM audit_event WHERE agent = 'audited-1' ORDER BY seq")) {
      JsonArray exports = new JsonArray();
      try (var rows = s.executeQuery()) {
        while (rows.next()) {
          exports.add(rows.getString("entry"));
        }
      }
      assertEquals(2, exports.size(), "the kick-off and the download: " + exports.encode());
      for (Object entry : exports) {
        assertTrue(entry.toString().contains("\"code\":\"export\""), entry.toString());
        String query = java.util.Base64.getEncoder().encodeToString("$export?_type=Patient".getBytes());
        assertTrue(entry.toString().contains("\"query\":\"" + query + "\""), entry.toString());
      }
    }
  }
}
