package io.bastion.cli;

import static io.bastion.cli.CtlRun.ctl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.admin.AdminHttp;
import io.bastion.fhir.FhirAddresses;
import io.bastion.fhir.seed.SyntheticPatients;
import io.bastion.fhir.store.ResourceStore.NewResource;
import io.bastion.testsupport.TestClock;
import io.bastion.testsupport.TestNode;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code bastion ctl seed} against a real node: the data lands with its search index; only admins may seed. */
class CtlSeedTest {

  private static final String BOOTSTRAP = "bootstrap-ctl-token-seed-0123456789";
  private static TestNode node;
  private static int ctlPort;
  private static TestClock clock;

  @BeforeAll
  static void start() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      ctlPort = socket.getLocalPort();
    }
    clock = new TestClock();
    node = TestNode.start(Map.of("ctl.token", BOOTSTRAP, "ctl.port", String.valueOf(ctlPort)), clock);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void seedsPatientsThatSearchesFind() {
    CtlRun run = ctl("seed", "--patients", "50", "--seed", "5", "--port", String.valueOf(ctlPort), "--token", BOOTSTRAP,
        "--json", "--timeout", "60");
    assertEquals(0, run.exit(), run.err());
    JsonObject reply = new JsonObject(run.out());
    List<NewResource> expected = new ArrayList<>();
    SyntheticPatients generator = new SyntheticPatients(5);
    for (int n = 0; n < 50; n++) {
      expected.addAll(generator.patient(n));
    }
    assertEquals(50, reply.getInteger("patients"));
    assertEquals(expected.size(), reply.getInteger("resources"));
    long stored = node.node().pool().query("SELECT count(*) AS n FROM fhir_resource").execute().await()
        .iterator().next().getLong("n");
    assertTrue(stored >= expected.size(), "stored " + stored);

    // the first patient's weights, by subject and code, through the search index
    NewResource patient = expected.get(0);
    Set<String> weights = new TreeSet<>();
    for (NewResource r : expected) {
      if (r.type().equals("Observation")
          && r.resource().getJsonObject("subject").getString("reference").equals("Patient/" + patient.id())
          && r.resource().getJsonObject("code").getJsonArray("coding").getJsonObject(0).getString("code").equals("29463-7")) {
        weights.add(r.id());
      }
    }
    assertTrue(!weights.isEmpty());
    JsonObject bundle = node.get("/fhir/Observation?subject=Patient/" + patient.id() + "&code=http://loinc.org%7C29463-7")
        .bodyAsJsonObject();
    assertEquals(weights, ids(bundle));
    // and by the patient's name and identifier
    String family = patient.resource().getJsonArray("name").getJsonObject(0).getString("family");
    assertTrue(ids(node.get("/fhir/Patient?family=" + java.net.URLEncoder.encode(family,
        java.nio.charset.StandardCharsets.UTF_8) + "&_count=100").bodyAsJsonObject()).contains(patient.id()));
    String mrn = patient.resource().getJsonArray("identifier").getJsonObject(0).getString("value");
    assertEquals(Set.of(patient.id()), ids(node.get("/fhir/Patient?identifier=" + SyntheticPatients.MRN_SYSTEM + "%7C" + mrn)
        .bodyAsJsonObject()));
    // the same seed again collides with its own ids: refused, nothing half-written
    CtlRun again = ctl("seed", "--patients", "5", "--seed", "5", "--port", String.valueOf(ctlPort), "--token", BOOTSTRAP);
    assertEquals(1, again.exit(), again.out());
    assertTrue(again.err().contains("written to this database already"), again.err());
  }

  @Test
  void onlyAdminsMaySeed() {
    AdminHttp http = new AdminHttp(node, clock);
    AdminHttp.Session admin = http.signIn("admin", TestNode.ADMIN_PASSWORD, new AdminHttp.Authenticator());
    for (String role : List.of("viewer", "ops")) {
      var created = http.send(HttpMethod.POST, "/admin/api/ctl-tokens", admin,
          new JsonObject().put("name", role).put("role", role).put("expiresInDays", 30));
      assertEquals(201, created.statusCode(), created.bodyAsString());
      CtlRun run = ctl("seed", "--patients", "1", "--port", String.valueOf(ctlPort), "--token",
          created.bodyAsJsonObject().getString("token"));
      assertEquals(4, run.exit(), run.err());
      assertTrue(run.err().contains("may not use " + FhirAddresses.SEED), run.err());
    }
  }

  private static Set<String> ids(JsonObject bundle) {
    Set<String> ids = new TreeSet<>();
    JsonArray entries = bundle.getJsonArray("entry", new JsonArray());
    for (int i = 0; i < entries.size(); i++) {
      ids.add(entries.getJsonObject(i).getJsonObject("resource").getString("id"));
    }
    return ids;
  }
}
