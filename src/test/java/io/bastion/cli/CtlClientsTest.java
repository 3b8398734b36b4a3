package io.bastion.cli;

import static io.bastion.cli.CtlRun.ctl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.admin.AdminHttp;
import io.bastion.auth.server.ClientAddresses;
import io.bastion.testsupport.FreePort;
import io.bastion.testsupport.TestClock;
import io.bastion.testsupport.TestNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bastion ctl clients} against a deny-by-default node: the README's quick start (add a client, get a
 * token, call /fhir), disable and remove, each change audited with the ctl token as actor; admin tokens only.
 */
class CtlClientsTest {

  private static final String BOOTSTRAP = "bootstrap-ctl-token-clients-0123456789";
  private static TestNode node;
  private static TestClock clock;
  private static String port;

  @BeforeAll
  static void start() {
    port = String.valueOf(FreePort.next());
    clock = new TestClock();
    node = TestNode.start(Map.of("auth.enabled", "true", "ctl.token", BOOTSTRAP, "ctl.port", port), clock);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static CtlRun clients(String... args) {
    List<String> all = new ArrayList<>(List.of("clients"));
    all.addAll(List.of(args));
    all.addAll(List.of("--port", port, "--token", BOOTSTRAP));
    return ctl(all.toArray(new String[0]));
  }

  private static io.vertx.ext.web.client.HttpResponse<Buffer> token(String clientId, String secret) {
    String basic = "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
    return node.send(HttpMethod.POST, "/auth/token", Map.of("Authorization", basic,
        "Content-Type", "application/x-www-form-urlencoded"), Buffer.buffer("grant_type=client_credentials"));
  }

  @Test
  void addGetATokenDisableRemoveEachAudited() {
    CtlRun added = clients("add", "--name", "lab feed", "--scopes", "system/Patient.rs system/Observation.rs",
        "--generate-secret", "--json");
    assertEquals(0, added.exit(), added.err());
    JsonObject client = new JsonObject(added.out());
    String clientId = client.getString("clientId");
    String secret = client.getString("clientSecret");
    assertTrue(secret.startsWith("bcs_"), "the secret is shown once");

    var issued = token(clientId, secret);
    assertEquals(200, issued.statusCode(), issued.bodyAsString());
    String accessToken = issued.bodyAsJsonObject().getString("access_token");
    assertEquals(401, node.get("/fhir/Patient").statusCode());
    assertEquals(200, node.send(HttpMethod.GET, "/fhir/Patient", Map.of("Authorization", "Bearer " + accessToken), null)
        .statusCode());

    CtlRun listed = clients("list");
    assertEquals(0, listed.exit(), listed.err());
    assertTrue(listed.out().contains(clientId) && listed.out().contains("client_secret") && listed.out().contains("enabled"),
        listed.out());
    assertFalse(listed.out().contains(secret), "never the secret again");

    assertEquals(0, clients("disable", clientId).exit());
    assertEquals(401, token(clientId, secret).statusCode(), "disabled: no new tokens");
    assertEquals(0, clients("remove", clientId).exit());
    assertFalse(clients("list").out().contains(clientId));
    CtlRun missing = clients("remove", clientId);
    assertEquals(1, missing.exit());
    assertTrue(missing.err().contains("no such client"), missing.err());

    List<String> audited = new ArrayList<>();
    node.node().pool().preparedQuery("SELECT entry FROM audit_event WHERE position($1 in entry) > 0 ORDER BY seq")
        .execute(Tuple.of("urn:bastion:client:" + clientId)).await().forEach(row -> {
          JsonObject event = new JsonObject(row.getString("entry")).getJsonObject("event");
          audited.add(event.getJsonArray("subtype").getJsonObject(0).getString("code") + " by "
              + event.getJsonArray("agent").getJsonObject(0).getJsonObject("who").getJsonObject("identifier").getString("value"));
        });
    assertEquals(List.of("client-register by ctl:bootstrap (admin)", "client-disable by ctl:bootstrap (admin)",
        "client-remove by ctl:bootstrap (admin)"), audited);
  }

  @Test
  void aJwksFileAndBadRequests(@TempDir Path dir) throws Exception {
    Path jwks = dir.resolve("jwks.json");
    var key = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_256).keyID("k1").generate();
    Files.writeString(jwks, new JsonObject().put("keys", new JsonArray().add(new JsonObject(key.toPublicJWK().toJSONObject())))
        .encode());
    CtlRun added = clients("add", "--name", "billing", "--scopes", "system/*.rs", "--jwks-file", jwks.toString());
    assertEquals(0, added.exit(), added.err());
    assertTrue(added.out().contains("private_key_jwt"), added.out());

    Files.writeString(jwks, new JsonObject().put("keys", new JsonArray().add(new JsonObject(key.toJSONObject()))).encode());
    CtlRun privateKey = clients("add", "--name", "oops", "--scopes", "system/*.rs", "--jwks-file", jwks.toString());
    assertEquals(1, privateKey.exit());
    assertTrue(privateKey.err().contains("never a private"), privateKey.err());
    CtlRun userScope = clients("add", "--name", "app", "--scopes", "user/*.rs", "--generate-secret");
    assertEquals(1, userScope.exit());
    assertTrue(userScope.err().contains("system scopes"), userScope.err());
  }

  @Test
  void onlyAdminTokensManageClients() {
    AdminHttp http = new AdminHttp(node, clock);
    AdminHttp.Session admin = http.signIn("admin", TestNode.ADMIN_PASSWORD, new AdminHttp.Authenticator());
    var created = http.send(HttpMethod.POST, "/admin/api/ctl-tokens", admin,
        new JsonObject().put("name", "ops").put("role", "ops").put("expiresInDays", 30));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    CtlRun run = ctl("clients", "list", "--port", port, "--token", created.bodyAsJsonObject().getString("token"));
    assertEquals(4, run.exit(), run.err());
    assertTrue(run.err().contains("may not use " + ClientAddresses.LIST), run.err());
  }
}
