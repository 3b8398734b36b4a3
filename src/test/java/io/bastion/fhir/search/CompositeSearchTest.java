package io.bastion.fhir.search;

import static io.bastion.fhir.search.SearchHttp.ids;
import static io.bastion.fhir.search.SearchHttp.set;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The R4 composites of the supported types: Observation code-value-* and DocumentReference relationship. */
class CompositeSearchTest {

  @RegisterExtension
  static final SearchHttp fhir = new SearchHttp();
  private static String smoker;
  private static String sampled;
  private static String note;
  private static String appendix;
  private static String appendixTarget;

  @BeforeAll
  static void start() {
    smoker = fhir.create(observation("72166-2").put("valueCodeableConcept", new JsonObject().put("coding",
        new JsonArray().add(new JsonObject().put("system", "http://snomed.info/sct").put("code", "77176002")))));
    sampled = fhir.create(observation("21112-8").put("valueDateTime", "2024-05-01T08:00:00Z"));
    note = fhir.create(observation("8251-1").put("valueString", "Patient feels Fine"));
    String prior = fhir.create(new JsonObject().put("resourceType", "DocumentReference").put("status", "current")
        .put("content", new JsonArray().add(new JsonObject().put("attachment", new JsonObject().put("url", "urn:a")))));
    appendix = fhir.create(new JsonObject().put("resourceType", "DocumentReference").put("status", "current")
        .put("content", new JsonArray().add(new JsonObject().put("attachment", new JsonObject().put("url", "urn:a"))))
        .put("relatesTo", new JsonArray().add(new JsonObject().put("code", "appends")
            .put("target", new JsonObject().put("reference", "DocumentReference/" + prior)))));
    fhir.create(new JsonObject().put("resourceType", "DocumentReference").put("status", "current")
        .put("content", new JsonArray().add(new JsonObject().put("attachment", new JsonObject().put("url", "urn:a"))))
        .put("relatesTo", new JsonArray().add(new JsonObject().put("code", "replaces")
            .put("target", new JsonObject().put("reference", "DocumentReference/" + prior)))));
    appendixTarget = prior;
  }

  private static JsonObject observation(String loinc) {
    return new JsonObject().put("resourceType", "Observation").put("status", "final")
        .put("code", new JsonObject().put("coding", new JsonArray().add(new JsonObject()
            .put("system", "http://loinc.org").put("code", loinc))));
  }

  @Test
  void codeWithConceptDateAndString() {
    assertEquals(set(smoker), ids(fhir.search("Observation?code-value-concept=http://loinc.org|72166-2$http://snomed.info/sct|77176002")));
    assertEquals(set(), ids(fhir.search("Observation?code-value-concept=72166-2$266919005")));
    assertEquals(set(sampled), ids(fhir.search("Observation?code-value-date=21112-8$ge2024-05")));
    assertEquals(set(), ids(fhir.search("Observation?code-value-date=21112-8$lt2024")));
    assertEquals(set(note), ids(fhir.search("Observation?code-value-string=8251-1$patient%20FEELS")));
    assertEquals(set(smoker), ids(fhir.search("Observation?combo-code-value-concept=72166-2$77176002")));
  }

  @Test
  void documentRelationship() {
    assertEquals(set(appendix), ids(fhir.search("DocumentReference?relationship=appends$DocumentReference/"
        + appendixTarget)));
    assertEquals(set(), ids(fhir.search("DocumentReference?relationship=transforms$DocumentReference/" + appendixTarget)));
  }

  @Test
  void aCompositeValueNeedsBothParts() {
    SearchHttp.assertOutcome(fhir.get("/fhir/Observation?code-value-quantity=8480-6", Map.of()), 400, "value");
  }
}
