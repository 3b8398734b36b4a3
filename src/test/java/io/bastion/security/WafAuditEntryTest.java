package io.bastion.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.bastion.security.waf.Transaction;
import io.bastion.security.waf.WafEngine;
import io.bastion.security.waf.WafRequest;
import io.bastion.security.waf.parser.SecLangParser;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The audit-log entry of a blocked request: ModSecurity parts, with values redacted. */
class WafAuditEntryTest {

  @Test
  void partsCarryNamesAndSafeHeadersNeverValues() throws Exception {
    InlineWaf waf = new InlineWaf(new WafEngine(SecLangParser.standard().parseText(Path.of("t.conf"),
        "SecRule ARGS \"@contains evil\" \"id:1001,phase:1,deny,log,msg:'evil in %{MATCHED_VAR}',tag:'attack-test'\"\n")
        .compile()), WafConfig.Mode.ON, 131072);
    String uri = "/fhir/Patient?name=evil-Smith-1970&flag&birthdate=1970-01-01";
    Transaction tx = waf.begin(new WafRequest("GET", uri, "HTTP/1.1",
        List.of(new WafRequest.Header("Authorization", "Bearer tok-secret")), null, "10.0.0.7"));
    tx.processRequestHeaders();
    MultiMap request = MultiMap.caseInsensitiveMultiMap().add("Host", "fhir.example").add("Authorization", "Bearer tok-secret")
        .add("X-Patient", "Smith").add("Accept", "application/fhir+json").add("Accept", "text/plain");
    MultiMap response = MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/fhir+json")
        .add("X-Request-Id", "req-1").add("Set-Cookie", "s=1");
    JsonObject entry = WafAuditEntry.of(waf, tx, new WafAuditEntry.Exchange("req-1", "10.0.0.7", 0L, "GET", uri,
        "HTTP/1.1", request, 0, 403, response));

    assertEquals(new JsonObject().put("time", "1970-01-01T00:00:00Z").put("requestId", "req-1").put("clientIp", "10.0.0.7"),
        entry.getJsonObject("A"));
    JsonObject b = entry.getJsonObject("B");
    assertEquals("GET /fhir/Patient?name=[redacted]&flag=[redacted]&birthdate=[redacted] HTTP/1.1", b.getString("requestLine"));
    assertEquals("fhir.example", b.getJsonObject("headers").getString("Host"));
    assertEquals("[redacted]", b.getJsonObject("headers").getString("Authorization"));
    assertEquals("[redacted]", b.getJsonObject("headers").getString("X-Patient"));
    assertEquals(List.of("application/fhir+json", "text/plain"), b.getJsonObject("headers").getJsonArray("Accept").getList());
    assertEquals(new JsonObject().put("bytes", 0).putNull("body"), entry.getJsonObject("C"));
    assertEquals("[redacted]", entry.getJsonObject("F").getJsonObject("headers").getString("Set-Cookie"));
    JsonObject h = entry.getJsonObject("H");
    assertEquals(1001, h.getInteger("interruptingRule"));
    JsonObject message = h.getJsonArray("messages").getJsonObject(0);
    assertEquals("evil in %{MATCHED_VAR}", message.getString("msg"), "the message as written, never expanded");
    assertEquals(List.of("ARGS:name"), message.getJsonArray("variables").getList());
    String text = entry.encode();
    assertFalse(text.contains("Smith") || text.contains("tok-secret") || text.contains("1970-01-01\""), text);
  }
}
