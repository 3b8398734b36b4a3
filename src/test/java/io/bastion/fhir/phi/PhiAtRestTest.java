package io.bastion.fhir.phi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.fhir.FhirAddresses;
import io.bastion.fhir.seed.SyntheticPatients;
import io.bastion.fhir.store.ResourceStore.NewResource;
import io.bastion.testsupport.TestNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PHI at rest: seeded patients' identifiers, contact details, address lines and birth dates appear nowhere in
 * a dump of the database, while reads, searches and sorting still see the plaintext; sealed values are bound
 * to their resource; key rotation re-encrypts everything; a wrong master key stops the node.
 */
class PhiAtRestTest {

  private static final int PATIENTS = 12;
  private static final long SEED = 77;
  private static TestNode node;
  private static List<List<NewResource>> seeded = new ArrayList<>();

  @BeforeAll
  static void seed() {
    node = TestNode.start();
    JsonObject done = node.node().vertx().eventBus().<JsonObject>request(FhirAddresses.SEED,
        new JsonObject().put("patients", PATIENTS).put("seed", SEED), new DeliveryOptions().setSendTimeout(120_000))
        .await().body();
    assertEquals(PATIENTS, done.getInteger("patients"));
    SyntheticPatients generator = new SyntheticPatients(SEED);
    for (int n = 0; n < PATIENTS; n++) {
      seeded.add(generator.patient(n));
    }
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void noSeededPhiValueIsInTheDump() throws Exception {
    Set<String> sealed = new HashSet<>();
    Set<String> elsewhere = new HashSet<>();
    for (List<NewResource> patient : seeded) {
      for (NewResource r : patient) {
        collect(r.resource(), false, Set.of(), sealed, elsewhere);
      }
    }
    assertTrue(sealed.size() > PATIENTS * 4, "identifiers, phones, e-mails, lines and birth dates collected");
    String dump = dump();
    assertTrue(dump.contains("phi:1:"), "sealed values are in the dump");
    for (String value : sealed) {
      if (!elsewhere.contains(value)) { // the same text legitimately stored unsealed elsewhere (a date) proves nothing
        assertFalse(dump.contains(value), "a sealed value appears in the database dump: " + value.length() + " chars");
      }
    }
  }

  @Test
  void readsAndSearchesSeeThePlaintext() {
    JsonObject patient = seeded.get(3).get(0).resource();
    String id = seeded.get(3).get(0).id();
    JsonObject read = node.get("/fhir/Patient/" + id).bodyAsJsonObject();
    assertEquals(patient.getJsonArray("identifier").getJsonObject(0).getString("value"),
        read.getJsonArray("identifier").getJsonObject(0).getString("value"));
    assertEquals(patient.getJsonArray("telecom"), read.getJsonArray("telecom"));
    assertEquals(patient.getJsonArray("address"), read.getJsonArray("address"));
    assertEquals(patient.getString("birthDate"), read.getString("birthDate"));

    JsonObject mrn = patient.getJsonArray("identifier").getJsonObject(0);
    assertEquals(List.of(id), ids("Patient?identifier=" + enc(mrn.getString("system") + "|" + mrn.getString("value"))));
    assertEquals(List.of(id), ids("Patient?identifier=" + enc(mrn.getString("value"))));
    String phone = patient.getJsonArray("telecom").stream().map(JsonObject.class::cast)
        .filter(t -> "phone".equals(t.getString("system"))).findFirst().orElseThrow().getString("value");
    assertEquals(List.of(id), ids("Patient?phone=" + enc(phone)));
    String birthDate = patient.getString("birthDate");
    assertTrue(ids("Patient?birthdate=" + birthDate).contains(id));
    assertTrue(ids("Patient?birthdate=ge" + birthDate + "&birthdate=le" + birthDate).contains(id));
    assertFalse(ids("Patient?birthdate=gt" + birthDate).contains(id));

    List<String> byBirth = new ArrayList<>(seeded.stream().map(p -> p.get(0)).sorted((a, b) -> {
      int c = a.resource().getString("birthDate").compareTo(b.resource().getString("birthDate"));
      return c != 0 ? c : a.id().compareTo(b.id());
    }).map(NewResource::id).toList());
    List<String> sorted = ids("Patient?_sort=birthdate,_id&_count=100").stream().filter(byBirth::contains).toList();
    assertEquals(byBirth, sorted, "sorting by a sealed, shifted birth date keeps the plaintext order");
  }

  @Test
  void aSealedValueCopiedIntoAnotherResourceDoesNotOpen() {
    String a = seeded.get(0).get(0).id();
    String b = seeded.get(1).get(0).id();
    node.node().pool().preparedQuery("UPDATE fhir_resource SET content = jsonb_set(content, '{identifier,0,value}', "
        + "(SELECT content #> '{identifier,0,value}' FROM fhir_resource WHERE res_type = 'Patient' AND res_id = $1)) "
        + "WHERE res_type = 'Patient' AND res_id = $2").execute(Tuple.of(a, b)).await();
    String value = node.get("/fhir/Patient/" + b).bodyAsJsonObject().getJsonArray("identifier").getJsonObject(0)
        .getString("value");
    assertTrue(value.startsWith("phi:1:"), "left sealed, not opened as the other patient's value");
  }

  @Test
  void clientTextThatLooksSealedRoundTripsAndIsSealedToo() {
    JsonObject body = new JsonObject().put("resourceType", "Patient").put("name", new JsonArray()
        .add(new JsonObject().put("text", "phi:1:kdeadbeef0000:AAAA")));
    var created = node.send(HttpMethod.POST, "/fhir/Patient", Map.of("Content-Type", "application/fhir+json"),
        Buffer.buffer(body.encode()));
    assertEquals(201, created.statusCode());
    String id = created.bodyAsJsonObject().getString("id");
    assertEquals("phi:1:kdeadbeef0000:AAAA", node.get("/fhir/Patient/" + id).bodyAsJsonObject().getJsonArray("name")
        .getJsonObject(0).getString("text"));
    String stored = node.node().pool().preparedQuery("SELECT content::text AS c FROM fhir_resource WHERE res_id = $1")
        .execute(Tuple.of(id)).await().iterator().next().getString("c");
    assertFalse(stored.contains("kdeadbeef0000:AAAA"));
  }

  @Test
  void rotationReencryptsEveryVersionUnderTheNewKey() throws Exception {
    String id = seeded.get(5).get(0).id();
    JsonObject before = node.get("/fhir/Patient/" + id).bodyAsJsonObject();
    var updated = node.send(HttpMethod.PUT, "/fhir/Patient/" + id, Map.of("Content-Type", "application/fhir+json"),
        Buffer.buffer(before.copy().put("gender", "other").encode())); // a second version in the history
    assertEquals(200, updated.statusCode());
    JsonObject rotated = request(FhirAddresses.PHI_ROTATE);
    String old = rotated.getString("previousKey");
    String fresh = rotated.getString("activeKey");
    assertFalse(old.equals(fresh));
    JsonObject status = request(FhirAddresses.PHI_STATUS);
    for (int i = 0; i < 300 && !"done".equals(status.getJsonObject("reencryption").getString("state")); i++) {
      TimeUnit.MILLISECONDS.sleep(100);
      status = request(FhirAddresses.PHI_STATUS);
    }
    assertEquals("done", status.getJsonObject("reencryption").getString("state"), status.encode());
    assertEquals(fresh, status.getString("activeKey"));
    assertEquals(0L, count("fhir_resource", old), "current versions still under the old key");
    assertEquals(0L, count("fhir_resource_history", old), "history still under the old key");
    assertTrue(count("fhir_resource", fresh) >= PATIENTS);
    JsonObject after = node.get("/fhir/Patient/" + id).bodyAsJsonObject();
    assertEquals(before.getJsonArray("identifier"), after.getJsonArray("identifier"));
    assertEquals(before.getString("birthDate"), after.getString("birthDate"));
    assertEquals(before.getJsonArray("identifier"), node.get("/fhir/Patient/" + id + "/_history/1").bodyAsJsonObject()
        .getJsonArray("identifier"));
    JsonObject mrn = before.getJsonArray("identifier").getJsonObject(0);
    assertEquals(List.of(id), ids("Patient?identifier=" + enc(mrn.getString("system") + "|" + mrn.getString("value"))));
  }

  @Test
  void aWrongMasterKeyStopsTheNodeAndAMissingOneIsGenerated() throws IOException {
    String url = node.node().config().postgres().url();
    Exception refused = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () ->
        TestNode.start(Map.of("postgres.url", url, "phi.master-key", "b3RoZXItbWFzdGVyLWtleS1vdGhlci1rZXktMzJieXQ="))
            .close());
    assertTrue(String.valueOf(refused.getMessage()).contains("master key") || causeMentions(refused, "master key"),
        String.valueOf(refused.getMessage()));

    Path dir = Files.createTempDirectory("bastion-phi");
    try (TestNode fresh = TestNode.start(Map.of("phi.master-key", "", "node.data-dir", dir.toString()))) {
      Path key = dir.resolve("phi-master.key");
      assertTrue(Files.exists(key));
      assertEquals(32, java.util.Base64.getDecoder().decode(Files.readString(key).trim()).length);
      assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
          Files.getPosixFilePermissions(key)));
      assertEquals(200, fresh.get("/fhir/metadata").statusCode());
    }
  }

  private static boolean causeMentions(Throwable t, String text) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (String.valueOf(c.getMessage()).contains(text)) {
        return true;
      }
    }
    return false;
  }

  private static JsonObject request(String address) {
    return node.node().vertx().eventBus().<JsonObject>request(address, new JsonObject()).await().body();
  }

  private static long count(String table, String keyId) {
    Row row = node.node().pool().preparedQuery("SELECT count(*) AS n FROM " + table + " WHERE content::text LIKE $1")
        .execute(Tuple.of("%phi:1:" + keyId + ":%")).await().iterator().next();
    return row.getLong("n");
  }

  private static List<String> ids(String query) {
    var response = node.get("/fhir/" + query);
    assertEquals(200, response.statusCode(), response.bodyAsString());
    List<String> out = new ArrayList<>();
    JsonArray entries = response.bodyAsJsonObject().getJsonArray("entry", new JsonArray());
    for (Object e : entries) {
      JsonObject entry = (JsonObject) e;
      if (entry.getJsonObject("search") == null || "match".equals(entry.getJsonObject("search").getString("mode"))) {
        out.add(entry.getJsonObject("resource").getString("id"));
      }
    }
    return out;
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** The sealed elements' plaintext (default phi.elements) and every other string, of one resource. */
  private static void collect(Object value, boolean seal, Set<String> sealedChildren, Set<String> sealed,
      Set<String> elsewhere) {
    if (value instanceof JsonObject o) {
      for (String name : o.fieldNames()) {
        Object v = o.getValue(name);
        boolean s = name.equals("birthDate") || sealedChildren.contains(name);
        Set<String> children = switch (name) {
          case "identifier", "telecom" -> Set.of("value");
          case "address" -> Set.of("line");
          default -> Set.of();
        };
        if (v instanceof String text) {
          (s ? sealed : elsewhere).add(text);
        } else {
          collect(v, s, children, sealed, elsewhere);
        }
      }
    } else if (value instanceof JsonArray a) {
      for (Object item : a) {
        if (item instanceof String text) {
          (seal ? sealed : elsewhere).add(text);
        } else {
          collect(item, seal, sealedChildren, sealed, elsewhere);
        }
      }
    }
  }

  /** pg_dump of the test database (data only), or every row of every table as text when pg_dump cannot run. */
  private static String dump() throws Exception {
    String url = node.node().config().postgres().url();
    try {
      Process p = new ProcessBuilder("pg_dump", "--data-only", "--dbname=" + url).redirectErrorStream(false).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0 && out.length > 0) {
        return new String(out, StandardCharsets.UTF_8);
      }
    } catch (IOException noPgDump) {
      // fall through to the SQL dump
    }
    StringBuilder all = new StringBuilder();
    for (Row table : node.node().pool().query("SELECT table_name FROM information_schema.tables "
        + "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'").execute().await()) {
      for (Row row : node.node().pool().query("SELECT t::text AS r FROM \"" + table.getString("table_name") + "\" t")
          .execute().await()) {
        all.append(row.getString("r")).append('\n');
      }
    }
    return all.toString();
  }
}
