package io.bastion.fhir;

import static io.bastion.fhir.FhirHttp.patient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Patient/{id}/$everything: the record, paged; _type and _since narrow it; the care-date window is refused. */
class FhirEverythingHttpTest {

  @RegisterExtension
  static final FhirHttp fhir = FhirHttp.onNewNode(Map.of());

  private static JsonObject observation(String patientId) {
    return new JsonObject().put("resourceType", "Observation").put("status", "final")
        .put("code", new JsonObject().put("text", "weight"))
        .put("subject", new JsonObject().put("reference", "Patient/" + patientId));
  }

  private static JsonObject condition(String patientId) {
    return new JsonObject().put("resourceType", "Condition")
        .put("code", new JsonObject().put("text", "asthma"))
        .put("subject", new JsonObject().put("reference", "Patient/" + patientId));
  }

  /** Every resource of every page, following next links from the first, as "Type/id". */
  private static List<String> walk(String firstPage) {
    List<String> seen = new ArrayList<>();
    String url = firstPage;
    for (int pages = 0; url != null; pages++) {
      assertTrue(pages < 50, "the next links end");
      HttpResponse<Buffer> page = fhir.get(url.substring(url.indexOf("/fhir/")));
      assertEquals(200, page.statusCode(), page.bodyAsString());
      JsonObject bundle = page.bodyAsJsonObject();
      for (Object e : bundle.getJsonArray("entry", new JsonArray())) {
        JsonObject resource = ((JsonObject) e).getJsonObject("resource");
        seen.add(resource.getString("resourceType") + "/" + resource.getString("id"));
      }
      url = null;
      for (Object l : bundle.getJsonArray("link")) {
        if ("next".equals(((JsonObject) l).getString("relation"))) {
          url = ((JsonObject) l).getString("url");
        }
      }
    }
    return seen;
  }

  @Test
  void thePagesHoldTheWholeRecordOnceAndNothingOfAnotherPatient() {
    String id = fhir.create(patient("Everyone")).getString("id");
    String other = fhir.create(patient("Someoneelse")).getString("id");
    Set<String> expected = new HashSet<>(List.of("Patient/" + id));
    for (int i = 0; i < 7; i++) {
      expected.add("Observation/" + fhir.create(observation(id)).getString("id"));
    }
    expected.add("Condition/" + fhir.create(condition(id)).getString("id"));
    fhir.create(observation(other));

    List<String> seen = walk("/fhir/Patient/" + id + "/$everything?_count=3");
    assertEquals(expected.size(), seen.size(), "each resource once: " + seen);
    assertEquals(expected, new HashSet<>(seen));
  }

  @Test
  void typeKeepsTheTypesItNamesAndTheNextLinksKeepIt() {
    String id = fhir.create(patient("Typed")).getString("id");
    Set<String> observations = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      observations.add("Observation/" + fhir.create(observation(id)).getString("id"));
    }
    fhir.create(condition(id));

    List<String> seen = walk("/fhir/Patient/" + id + "/$everything?_type=Observation&_count=2");
    assertEquals(observations, new HashSet<>(seen), "no Patient, no Condition, on every page");
    assertEquals(5, seen.size());
    List<String> withPatient = walk("/fhir/Patient/" + id + "/$everything?_type=Patient,Condition");
    assertEquals(2, withPatient.size(), withPatient.toString());
    assertTrue(withPatient.contains("Patient/" + id), withPatient.toString());
  }

  @Test
  void sinceKeepsWhatWasUpdatedAtOrAfterIt() throws Exception {
    String id = fhir.create(patient("Recent")).getString("id");
    fhir.create(observation(id));
    Thread.sleep(20);
    Instant cut = Instant.now();
    Thread.sleep(20);
    String later = fhir.create(observation(id)).getString("id");

    List<String> seen = walk("/fhir/Patient/" + id + "/$everything?_count=1&_since=" + cut);
    assertEquals(List.of("Observation/" + later), seen);
  }

  @Test
  void badParametersAreRefusedWithAClearError() {
    String id = fhir.create(patient("Refused")).getString("id");
    String path = "/fhir/Patient/" + id + "/$everything";
    assertTrue(FhirHttp.assertOutcome(fhir.get(path + "?start=2024-01-01"), 400, "not-supported").getJsonObject(0)
        .getString("diagnostics").contains("start"));
    FhirHttp.assertOutcome(fhir.get(path + "?end=2024-01-01"), 400, "not-supported");
    assertTrue(FhirHttp.assertOutcome(fhir.get(path + "?_type=Practitioner"), 400, "not-supported").getJsonObject(0)
        .getString("diagnostics").contains("Practitioner"), "not in the Patient compartment");
    FhirHttp.assertOutcome(fhir.get(path + "?_type=Observation&_type=Condition"), 400, "invalid");
    FhirHttp.assertOutcome(fhir.get(path + "?_type=,"), 400, "invalid");
    FhirHttp.assertOutcome(fhir.get(path + "?_since=yesterday"), 400, "value");
  }
}
