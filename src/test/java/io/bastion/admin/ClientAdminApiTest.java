package io.bastion.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.testsupport.TestClock;
import io.bastion.testsupport.TestNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Clients panel's API: CSRF on every change, validation as problem+json, each change audited with the user. */
class ClientAdminApiTest {

  @Test
  void registerDisableEnableDeleteWithCsrfAndAudit() {
    TestClock clock = new TestClock();
    try (TestNode node = TestNode.start(Map.of("auth.enabled", "true"), clock)) {
      AdminHttp http = new AdminHttp(node, clock);
      AdminHttp.Session admin = http.signIn("admin", TestNode.ADMIN_PASSWORD, new AdminHttp.Authenticator());
      JsonObject request = new JsonObject().put("name", "lab feed").put("scopes", "system/Observation.rs")
          .put("generateSecret", true);

      Map<String, String> noCsrf = new HashMap<>(Map.of("Cookie", admin.cookie, "Content-Type", "application/json"));
      HttpResponse<Buffer> forged = node.send(HttpMethod.POST, "/admin/api/clients", noCsrf, request.toBuffer());
      assertEquals(403, forged.statusCode(), "no CSRF token");
      assertEquals("application/problem+json", forged.getHeader("Content-Type"));

      HttpResponse<Buffer> bad = http.send(HttpMethod.POST, "/admin/api/clients", admin,
          request.copy().put("jwksUri", "http://keys.example.org/jwks"));
      assertEquals(400, bad.statusCode());
      assertTrue(bad.bodyAsJsonObject().getString("detail").contains("exactly one"), bad.bodyAsString());

      for (String name : new String[] {"line\nbreak", "bell\u0007"}) { // NUL, a 500 over ctl, stops at the WAF here
        HttpResponse<Buffer> control = http.send(HttpMethod.POST, "/admin/api/clients", admin, request.copy().put("name", name));
        assertEquals(400, control.statusCode(), control.bodyAsString());
        HttpResponse<Buffer> token = http.send(HttpMethod.POST, "/admin/api/ctl-tokens", admin,
            new JsonObject().put("name", name).put("role", "viewer").put("expiresInDays", 1));
        assertEquals(400, token.statusCode(), token.bodyAsString());
      }

      HttpResponse<Buffer> created = http.send(HttpMethod.POST, "/admin/api/clients", admin, request);
      assertEquals(201, created.statusCode(), created.bodyAsString());
      String clientId = created.bodyAsJsonObject().getString("clientId");
      assertTrue(created.bodyAsJsonObject().getString("clientSecret").startsWith("bcs_"));
      String listed = http.send(HttpMethod.GET, "/admin/api/clients", admin, null).bodyAsString();
      assertTrue(listed.contains(clientId), listed);
      assertFalse(listed.contains("clientSecret") || listed.contains("argon2"), "neither the secret nor its hash");

      String base = "/admin/api/clients/" + clientId;
      assertTrue(http.send(HttpMethod.POST, base + "/disable", admin, null).bodyAsJsonObject().getBoolean("disabled"));
      assertFalse(http.send(HttpMethod.POST, base + "/enable", admin, null).bodyAsJsonObject().getBoolean("disabled"));
      assertEquals(204, http.send(HttpMethod.DELETE, base, admin, null).statusCode());
      assertEquals(404, http.send(HttpMethod.DELETE, base, admin, null).statusCode());

      List<String> audited = new ArrayList<>();
      node.node().pool().preparedQuery("SELECT entry FROM audit_event WHERE position($1 in entry) > 0 ORDER BY seq")
          .execute(Tuple.of("urn:bastion:client:" + clientId)).await().forEach(row -> {
            JsonObject event = new JsonObject(row.getString("entry")).getJsonObject("event");
            JsonObject agent = event.getJsonArray("agent").getJsonObject(0);
            audited.add(event.getString("action") + " " + event.getJsonArray("subtype").getJsonObject(0).getString("code")
                + " by " + agent.getJsonObject("who").getJsonObject("identifier").getString("value"));
          });
      assertEquals(List.of("C client-register by admin", "U client-disable by admin", "U client-enable by admin",
          "D client-remove by admin"), audited);
    }
  }
}
