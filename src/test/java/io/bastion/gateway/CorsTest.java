package io.bastion.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.config.ConfigException;
import io.bastion.config.ConfigLoader;
import io.bastion.testsupport.TestNode;
import io.vertx.core.http.HttpMethod;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** CORS for SMART apps: an allow-list, preflights answered before authentication, nothing by default. */
class CorsTest {

  private static final String APP = "https://app.example.org";

  private static Map<String, String> preflight(String origin, String method) {
    return Map.of("Origin", origin, "Access-Control-Request-Method", method,
        "Access-Control-Request-Headers", "authorization, content-type, if-match");
  }

  @Test
  void allowedOriginsGetPreflightsAndHeadersBeforeAuthentication() {
    try (TestNode node = TestNode.startWithout(Map.of("auth.enabled", "true", "http.cors.allowed-origins", APP))) {
      var ok = node.send(HttpMethod.OPTIONS, "/fhir/Patient", preflight(APP, "PUT"), null);
      assertEquals(204, ok.statusCode(), "answered without a token: " + ok.bodyAsString());
      assertEquals(APP, ok.getHeader("Access-Control-Allow-Origin"));
      assertTrue(ok.getHeader("Access-Control-Allow-Methods").contains("PUT"));
      for (String header : new String[] {"Authorization", "Content-Type", "Prefer", "If-Match", "If-None-Exist"}) {
        assertTrue(ok.getHeader("Access-Control-Allow-Headers").contains(header), header);
      }
      assertEquals("600", ok.getHeader("Access-Control-Max-Age"));
      assertNull(ok.getHeader("Access-Control-Allow-Credentials"));
      assertEquals(204, node.send(HttpMethod.OPTIONS, "/auth/token", preflight(APP, "POST"), null).statusCode());

      var refused = node.send(HttpMethod.OPTIONS, "/fhir/Patient", preflight("https://evil.example.com", "GET"), null);
      assertEquals(403, refused.statusCode());
      assertNull(refused.getHeader("Access-Control-Allow-Origin"));

      var actual = node.send(HttpMethod.GET, "/fhir/metadata", Map.of("Origin", APP), null);
      assertEquals(200, actual.statusCode());
      assertEquals(APP, actual.getHeader("Access-Control-Allow-Origin"));
      for (String exposed : new String[] {"Location", "ETag", "Content-Location"}) {
        assertTrue(actual.getHeader("Access-Control-Expose-Headers").contains(exposed), exposed);
      }
      var unauthenticated = node.send(HttpMethod.GET, "/fhir/Patient", Map.of("Origin", APP), null);
      assertEquals(401, unauthenticated.statusCode());
      assertEquals(APP, unauthenticated.getHeader("Access-Control-Allow-Origin"), "the app can read the 401");

      var other = node.send(HttpMethod.GET, "/fhir/metadata", Map.of("Origin", "https://evil.example.com"), null);
      assertEquals(200, other.statusCode(), "no CORS headers, but not refused: browsers withhold the response");
      assertNull(other.getHeader("Access-Control-Allow-Origin"));
      assertNull(node.send(HttpMethod.GET, "/admin/", Map.of("Origin", APP), null).getHeader("Access-Control-Allow-Origin"),
          "the dashboard is never cross-origin");
    }
  }

  @Test
  void noOriginsMeansNoCorsHeaders() {
    try (TestNode node = TestNode.startWithout(Map.of())) {
      var response = node.send(HttpMethod.GET, "/fhir/metadata", Map.of("Origin", APP), null);
      assertNull(response.getHeader("Access-Control-Allow-Origin"));
      assertTrue(node.send(HttpMethod.OPTIONS, "/fhir/Patient", preflight(APP, "GET"), null).statusCode() != 204);
    }
  }

  @Test
  void aWildcardNeverComesWithCredentials() {
    ConfigLoader loader = ConfigLoader.withBuiltInDefaults();
    ConfigException e = assertThrows(ConfigException.class, () -> loader.load(null, Map.of(),
        Map.of("http.cors.allowed-origins", "*", "http.cors.allow-credentials", "true")));
    assertEquals("http.cors.allow-credentials", e.problems().get(0).path());
    assertThrows(ConfigException.class, () -> loader.load(null, Map.of(), Map.of("http.cors.allowed-origins", "https://a.org/path")));
    try (TestNode node = TestNode.startWithout(Map.of("http.cors.allowed-origins", "*"))) {
      var response = node.send(HttpMethod.GET, "/fhir/metadata", Map.of("Origin", APP), null);
      assertEquals("*", response.getHeader("Access-Control-Allow-Origin"));
      assertNull(response.getHeader("Access-Control-Allow-Credentials"));
    }
  }
}
