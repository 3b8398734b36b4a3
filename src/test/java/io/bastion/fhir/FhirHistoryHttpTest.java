package io.bastion.fhir;

import static io.bastion.fhir.FhirHttp.assertOutcome;
import static io.bastion.fhir.FhirHttp.patient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Instance, type and system history: Bundle shape, newest first, _count paging, _since. */
class FhirHistoryHttpTest {

  // FHIR's own validation of hostile history parameters is under test, including a malformed
  // percent-encoding (_cursor=%%%) that the WAF, in its default on mode, refuses first as a protocol
  // violation: detection-only lets it through to the handler while the WAF still runs
  @RegisterExtension
  static final FhirHttp fhir = FhirHttp.onNewNode(Map.of("waf.mode", "detection-only"));

  @Test
  void instanceHistoryListsEveryVersionNewestFirstIncludingTheDelete() {
    String id = fhir.create(patient("H1")).getString("id");
    fhir.put("/fhir/Patient/" + id, patient("H2").put("id", id));
    fhir.delete("/fhir/Patient/" + id);

    var response = fhir.get("/fhir/Patient/" + id + "/_history");
    assertEquals(200, response.statusCode());
    JsonObject bundle = response.bodyAsJsonObject();
    assertEquals("Bundle", bundle.getString("resourceType"));
    assertEquals("history", bundle.getString("type"));
    assertEquals(3, bundle.getInteger("total"));
    JsonArray entries = bundle.getJsonArray("entry");
    assertEquals(3, entries.size());

    JsonObject deletion = entries.getJsonObject(0);
    assertEquals("DELETE", deletion.getJsonObject("request").getString("method"));
    assertFalse(deletion.containsKey("resource"));
    assertEquals("W/\"3\"", deletion.getJsonObject("response").getString("etag"));

    JsonObject update = entries.getJsonObject(1);
    assertEquals("PUT", update.getJsonObject("request").getString("method"));
    assertEquals("Patient/" + id, update.getJsonObject("request").getString("url"));
    assertEquals("2", update.getJsonObject("resource").getJsonObject("meta").getString("versionId"));
    assertEquals("http://localhost:" + fhir.node().port() + "/fhir/Patient/" + id, update.getString("fullUrl"));

    JsonObject creation = entries.getJsonObject(2);
    assertEquals("POST", creation.getJsonObject("request").getString("method"));
    assertEquals("Patient", creation.getJsonObject("request").getString("url"));
    assertTrue(creation.getJsonObject("response").getString("status").startsWith("201"));
    assertEquals("H1", creation.getJsonObject("resource").getJsonArray("name").getJsonObject(0).getString("family"));
  }

  @Test
  void historyOfAnUnknownResourceIs404() {
    assertOutcome(fhir.get("/fhir/Patient/unknown-history/_history"), 404, "not-found");
  }

  @Test
  void typeHistoryPagesWalkEveryVersionExactlyOnceEvenWithWritesInBetween() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      ids.add(fhir.create(new JsonObject().put("resourceType", "Device").put("status", "active")).getString("id"));
    }
    fhir.put("/fhir/Device/" + ids.get(0), new JsonObject().put("resourceType", "Device").put("id", ids.get(0)));
    // 8 versions of Device exist; walk them 3 per page while another write lands after the first page
    Set<String> seen = new HashSet<>();
    String url = "/fhir/Device/_history?_count=3";
    int pages = 0;
    boolean wroteDuringPaging = false;
    while (url != null) {
      JsonObject bundle = fhir.get(url).bodyAsJsonObject();
      pages++;
      JsonArray entries = bundle.getJsonArray("entry", new JsonArray());
      assertTrue(entries.size() <= 3);
      for (Object entry : entries) {
        JsonObject e = (JsonObject) entry;
        String key = e.getString("fullUrl") + "@" + e.getJsonObject("response").getString("etag");
        assertTrue(seen.add(key), "seen twice: " + key);
        assertTrue(e.getString("fullUrl").contains("/fhir/Device/"));
      }
      url = next(bundle);
      if (!wroteDuringPaging) {
        fhir.create(new JsonObject().put("resourceType", "Device").put("status", "inactive"));
        wroteDuringPaging = true;
      }
    }
    assertEquals(8, seen.size(), "every version present when paging began, exactly once: " + seen);
    assertEquals(3, pages);
  }

  @Test
  void sinceLimitsHistoryToLaterVersions() throws Exception {
    String id = fhir.create(new JsonObject().put("resourceType", "Organization").put("name", "Old")).getString("id");
    Thread.sleep(20);
    Instant cut = Instant.now();
    Thread.sleep(20);
    fhir.put("/fhir/Organization/" + id, new JsonObject().put("resourceType", "Organization").put("id", id).put("name", "New"));

    JsonObject instance = fhir.get("/fhir/Organization/" + id + "/_history?_since=" + cut).bodyAsJsonObject();
    assertEquals(1, instance.getInteger("total"));
    assertEquals("2", instance.getJsonArray("entry").getJsonObject(0).getJsonObject("response").getString("etag")
        .replaceAll("\\D", ""));
    JsonObject type = fhir.get("/fhir/Organization/_history?_since=" + cut).bodyAsJsonObject();
    assertEquals(1, type.getJsonArray("entry").size());
    JsonObject system = fhir.get("/fhir/_history?_since=" + cut + "&_count=50").bodyAsJsonObject();
    assertTrue(system.getJsonArray("entry").stream()
        .allMatch(e -> Instant.parse(((JsonObject) e).getJsonObject("response").getString("lastModified")).isAfter(cut)));
    assertTrue(system.getJsonArray("entry").stream()
        .anyMatch(e -> ((JsonObject) e).getString("fullUrl").endsWith("/Organization/" + id)));
    // clients often leave a zone's '+' unencoded, which query decoding turns into a space
    String inParis = cut.atOffset(java.time.ZoneOffset.ofHours(1)).toString();
    JsonObject unencoded = fhir.get("/fhir/Organization/" + id + "/_history?_since=" + inParis).bodyAsJsonObject();
    assertEquals(1, unencoded.getInteger("total"), inParis);
  }

  @Test
  void systemHistorySpansTypesAndCountZeroHasNoEntries() {
    fhir.create(patient("Sys"));
    fhir.create(new JsonObject().put("resourceType", "Practitioner"));
    JsonObject system = fhir.get("/fhir/_history?_count=2").bodyAsJsonObject();
    assertEquals(2, system.getJsonArray("entry").size());
    assertTrue(next(system) != null);
    JsonObject none = fhir.get("/fhir/_history?_count=0").bodyAsJsonObject();
    assertNull(none.getJsonArray("entry"), "FHIR JSON has no empty arrays");
    assertNull(next(none));
  }

  @Test
  void badHistoryParametersAre400() {
    assertOutcome(fhir.get("/fhir/_history?_count=abc"), 400, "value");
    assertOutcome(fhir.get("/fhir/_history?_count=100000"), 400, "value");
    assertOutcome(fhir.get("/fhir/_history?_since=yesterday"), 400, "value");
    assertOutcome(fhir.get("/fhir/_history?_cursor=%%%"), 400, "invalid");
    assertOutcome(fhir.get("/fhir/_history?_cursor=bm90LWEtdG9rZW4"), 400, "value");
    assertOutcome(fhir.get("/fhir/Patient/_history?_at=2020"), 400, "not-supported");
    assertOutcome(fhir.get("/fhir/_history?_since=%2B100000-01-01T00:00:00Z"), 400, "value");
    String forged = java.util.Base64.getUrlEncoder().withoutPadding()
        .encodeToString("-9223372036854775807.1.1".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertOutcome(fhir.get("/fhir/_history?_cursor=" + forged), 400, "value");
  }

  private static String next(JsonObject bundle) {
    for (Object link : bundle.getJsonArray("link")) {
      JsonObject l = (JsonObject) link;
      if ("next".equals(l.getString("relation"))) {
        URI uri = URI.create(l.getString("url"));
        return uri.getRawPath() + "?" + uri.getRawQuery();
      }
    }
    return null;
  }
}
