package io.bastion.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.config.BastionConfig;
import io.bastion.config.ConfigLoader;
import io.bastion.testsupport.TestNode;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A node with the shipped defaults refuses the FHIR API without a token, while health, metrics, the
 * CapabilityStatement and the issuer's well-known documents stay open.
 */
class DenyByDefaultTest {

  @Test
  void theShippedDefaultsTurnAuthenticationOnWithBastionAsTheIssuer() {
    BastionConfig config = ConfigLoader.withBuiltInDefaults().load(null, Map.of(), Map.of());
    assertTrue(config.auth().enabled());
    assertTrue(config.authServer().enabled());
    assertEquals("", config.auth().issuer(), "no external identity provider: Bastion's own token endpoint issues");
  }

  @Test
  void aDefaultNodeAnswers401UntilAClientHasAToken() {
    // TestNode keeps tests open by default (auth.enabled=false); this one asks for the shipped default
    try (TestNode node = TestNode.startWithout(Map.of("auth.enabled", "true"))) {
      for (String path : new String[] {"/fhir/Patient", "/fhir/Patient/1", "/fhir/Observation?code=1"}) {
        var refused = node.get(path);
        assertEquals(401, refused.statusCode(), path);
        assertEquals("Bearer realm=\"bastion\"", refused.getHeader("WWW-Authenticate"), path);
        assertEquals("OperationOutcome", refused.bodyAsJsonObject().getString("resourceType"), path);
      }
      assertEquals(401, node.send(io.vertx.core.http.HttpMethod.POST, "/fhir/Patient",
          Map.of("Content-Type", "application/fhir+json"), new JsonObject().put("resourceType", "Patient").toBuffer())
          .statusCode());
      for (String open : new String[] {"/health/live", "/health/ready", "/metrics", "/fhir/metadata",
          "/.well-known/jwks.json", "/.well-known/smart-configuration", "/fhir/.well-known/smart-configuration"}) {
        int status = node.get(open).statusCode();
        assertTrue(status == 200, open + " answered " + status);
      }
      JsonObject smart = node.get("/.well-known/smart-configuration").bodyAsJsonObject();
      assertEquals(node.baseUrl(), smart.getString("issuer"));
      assertEquals(node.baseUrl() + "/auth/token", smart.getString("token_endpoint"));
    }
  }

  @Test
  void testNodesStayOpenUnlessTheyAskForAuth() {
    try (TestNode node = TestNode.startWithout(Map.of())) {
      assertEquals(200, node.get("/fhir/Patient").statusCode());
    }
  }
}
