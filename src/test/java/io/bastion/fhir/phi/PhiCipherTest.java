package io.bastion.fhir.phi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.fhir.FhirException;
import io.bastion.fhir.search.SearchIndexer;
import io.bastion.fhir.search.SearchParameters;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PhiCipherTest {

  private static final List<String> DEFAULT = List.of("identifier.value", "telecom.value", "address.line", "birthDate");
  private static final PhiCipher CIPHER = cipher("k1", (byte) 1, (byte) 9);

  private static PhiCipher cipher(String id, byte data, byte blind) {
    byte[] dataKey = new byte[32];
    Arrays.fill(dataKey, data);
    byte[] blindKey = new byte[32];
    Arrays.fill(blindKey, blind);
    return new PhiCipher(PhiKeyRing.of(id, dataKey, blindKey), DEFAULT, new SecureRandom());
  }

  private static JsonObject patient() {
    return new JsonObject().put("resourceType", "Patient").put("id", "p1")
        .put("identifier", new JsonArray().add(new JsonObject().put("system", "urn:mrn").put("value", "MRN-\"42\"\\é😀")))
        .put("telecom", new JsonArray().add(new JsonObject().put("system", "phone").put("value", "555-0100")))
        .put("address", new JsonArray().add(new JsonObject().put("line", new JsonArray().add("1 Main St").add("Apt 2"))
            .put("city", "Boston")))
        .put("birthDate", "1970-02-03")
        .put("name", new JsonArray().add(new JsonObject().put("family", "O'Brien")))
        .put("generalPractitioner", new JsonArray().add(new JsonObject()
            .put("identifier", new JsonObject().put("value", "NPI-77")).put("display", "Dr Who")))
        .put("contained", new JsonArray().add(new JsonObject().put("resourceType", "RelatedPerson")
            .put("birthDate", "1950-01-01").put("telecom", new JsonArray().add(new JsonObject().put("value", "x@y.z")))));
  }

  @Test
  void sealsTheConfiguredElementsEverywhereAndRevealsThemExactly() {
    JsonObject plain = patient();
    JsonObject sealed = CIPHER.conceal("Patient", "p1", plain);
    String text = sealed.encode();
    for (String secret : List.of("MRN-", "555-0100", "1 Main St", "Apt 2", "1970-02-03", "NPI-77", "1950-01-01", "x@y.z")) {
      assertFalse(text.contains(secret), secret);
    }
    assertTrue(text.contains("Boston") && text.contains("O'Brien") && text.contains("Dr Who"), "the rest stays readable");
    assertEquals(plain, patient(), "the caller's object is not modified");
    assertEquals(plain, new JsonObject(CIPHER.reveal("Patient", "p1", text)));
  }

  @Test
  void sealingIsRandomisedAndBoundToTheResource() {
    JsonObject a = CIPHER.conceal("Patient", "p1", patient());
    JsonObject b = CIPHER.conceal("Patient", "p1", patient());
    assertNotEquals(a.getString("birthDate"), b.getString("birthDate"), "a fresh nonce for every value");
    String elsewhere = CIPHER.reveal("Patient", "p2", a.encode());
    assertEquals(a.getString("birthDate"), new JsonObject(elsewhere).getString("birthDate"), "does not open in another resource");
    assertTrue(CIPHER.reveal("Patient", "p1", a.encode()).contains("1970-02-03"));
  }

  @Test
  void anotherKeyCannotOpenAndSealedLookalikesAreSealedToo() {
    String sealed = CIPHER.conceal("Patient", "p1", patient()).encode();
    assertFalse(cipher("k1", (byte) 2, (byte) 9).reveal("Patient", "p1", sealed).contains("1970-02-03"));
    JsonObject lookalike = new JsonObject().put("resourceType", "Patient").put("gender", "phi:1:k1:AAAA");
    JsonObject stored = CIPHER.conceal("Patient", "p1", lookalike);
    assertNotEquals("phi:1:k1:AAAA", stored.getString("gender"));
    assertEquals(lookalike, new JsonObject(CIPHER.reveal("Patient", "p1", stored.encode())));
    FhirException refused = assertThrows(FhirException.class, () -> CIPHER.conceal("Patient", "p1",
        new JsonObject().put("resourceType", "Patient").put("phi:x", 1)));
    assertEquals(422, refused.status());
  }

  @Test
  void blindIndexesAreDeterministicPerKeyAndTheDateShiftIsBounded() {
    assertEquals(CIPHER.blind("MRN1"), CIPHER.blind("MRN1"));
    assertNotEquals(CIPHER.blind("MRN1"), CIPHER.blind("MRN2"));
    assertNotEquals(CIPHER.blind("MRN1"), cipher("k1", (byte) 1, (byte) 8).blind("MRN1"));
    Duration shift = CIPHER.dateShift();
    assertTrue(Math.abs(shift.toDays()) >= 365 && Math.abs(shift.toDays()) <= 3650, shift.toString());
    assertTrue(CIPHER.shiftsDates("Patient.birthDate"));
    assertFalse(CIPHER.shiftsDates("Patient.deceased.ofType(dateTime)"));
  }

  @Test
  void needsReencryptionOnlyForValuesUnderAnotherKey() {
    String underK1 = CIPHER.conceal("Patient", "p1", patient()).encode();
    assertFalse(CIPHER.needsReencryption(underK1));
    assertTrue(cipher("k2", (byte) 1, (byte) 9).needsReencryption(underK1));
    assertFalse(CIPHER.needsReencryption("{\"resourceType\":\"Patient\"}"));
  }

  @Test
  void theIndexerWritesBlindIndexesNoLinesAndShiftedBirthDates() {
    SearchIndexer indexer = new SearchIndexer(SearchParameters.r4(), CIPHER);
    JsonObject rows = indexer.rows("Patient", patient());
    String text = rows.encode();
    for (String secret : List.of("MRN-", "555-0100", "1 main st", "1 Main St", "1970-02-03")) {
      assertFalse(text.contains(secret), secret);
    }
    assertTrue(text.contains(CIPHER.blind("MRN-\"42\"\\é😀")), "identifier searchable by its blind index");
    assertTrue(text.contains("boston"), "unsealed address parts stay searchable");
    String plainRows = new SearchIndexer(SearchParameters.r4()).rows("Patient", patient()).encode();
    assertTrue(plainRows.contains("1970-02-03") && plainRows.contains("555-0100"), "without PHI protection, plaintext");
  }

  /** The sealed values of a stored text replaced by one marker: what is sealed where, whatever the nonces. */
  private static String sealedShape(String text) {
    return text.replaceAll("\"phi:1:k1:[A-Za-z0-9_-]+\"", "\"SEALED\"");
  }

  @Test
  void concealTextSealsWhatConcealSealsAndWritesTheRestAsEncodeDoes() {
    JsonObject plain = patient().put("gender", "phi:1:k1:AAAA").put("multipleBirthInteger", 2)
        .put("extension", new JsonArray().add(new JsonObject().put("url", "u").put("valueDecimal", new java.math.BigDecimal("1.50"))
            .put("valueBoolean", false)).addNull().add(new JsonArray().add("phi:nested")))
        .put("raw", new java.util.LinkedHashMap<>(java.util.Map.of("birthDate", "1999-09-09")));
    String text = CIPHER.concealText("Patient", "p1", plain);
    assertEquals(sealedShape(CIPHER.conceal("Patient", "p1", plain).encode()), sealedShape(text));
    assertTrue(sealedShape(text).contains("\"raw\":{\"birthDate\":\"SEALED\"}"), sealedShape(text));
    assertEquals(plain.encode(), CIPHER.reveal("Patient", "p1", text));
    assertEquals(plain.encode(), PhiProtection.NONE.concealText("Patient", "p1", plain));
    FhirException refused = assertThrows(FhirException.class, () -> CIPHER.concealText("Patient", "p1",
        new JsonObject().put("resourceType", "Patient").put("contact", new JsonArray().add(new JsonObject().put("phi:x", 1)))));
    FhirException byConceal = assertThrows(FhirException.class, () -> CIPHER.conceal("Patient", "p1",
        new JsonObject().put("resourceType", "Patient").put("contact", new JsonArray().add(new JsonObject().put("phi:x", 1)))));
    assertEquals(byConceal.issues(), refused.issues());
    assertEquals(byConceal.status(), refused.status());
  }
}
