package io.bastion.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.StrictErrorHandler;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import io.bastion.testsupport.TestNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Interoperability: HAPI FHIR's own generic client, as an EHR integration would use it, drives a running node
 * through create, read, update, search with paging (every next link walked, each match seen exactly once) and a
 * transaction, in JSON and in XML. The client's parser is strict, so any response that is not valid R4 fails.
 */
class HapiClientInteropTest {

  private static final int MATCHES = 7;
  private static final int PAGE = 3;

  private static TestNode node;
  private static FhirContext hapi;

  @BeforeAll
  static void start() {
    node = TestNode.startWithout(Map.of());
    hapi = FhirContext.forR4();
    hapi.setParserErrorHandler(new StrictErrorHandler());
    // the client reads /metadata once before its first request and checks the server's FHIR version
    hapi.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.ONCE);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static IGenericClient client(EncodingEnum encoding) {
    IGenericClient client = hapi.newRestfulGenericClient(node.baseUrl() + "/fhir");
    client.setEncoding(encoding);
    return client;
  }

  private static Patient patient(String family, String given) {
    Patient patient = new Patient();
    patient.addName().setFamily(family).addGiven(given);
    patient.setGender(Enumerations.AdministrativeGender.FEMALE);
    patient.getBirthDateElement().setValueAsString("1984-06-02");
    patient.getText().setStatus(Narrative.NarrativeStatus.GENERATED)
        .setDivAsString("<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>" + given + " <b>" + family + "</b></p></div>");
    return patient;
  }

  @ParameterizedTest
  @EnumSource(value = EncodingEnum.class, names = {"JSON", "XML"})
  void createReadUpdate(EncodingEnum encoding) {
    IGenericClient client = client(encoding);
    MethodOutcome created = client.create().resource(patient("Interop-" + encoding, "Ada")).execute();
    assertTrue(created.getCreated());
    IIdType id = created.getId();
    assertEquals("1", id.getVersionIdPart());
    assertEquals("Patient", id.getResourceType());

    Patient read = client.read().resource(Patient.class).withId(id.getIdPart()).execute();
    assertEquals("Interop-" + encoding, read.getNameFirstRep().getFamily());
    assertEquals("1", read.getMeta().getVersionId());
    assertNotNull(read.getMeta().getLastUpdated());
    assertTrue(read.getText().getDivAsString().contains("<b>Interop-" + encoding + "</b>"), read.getText().getDivAsString());

    read.getNameFirstRep().setFamily("Interop-" + encoding + "-Updated");
    MethodOutcome updated = client.update().resource(read).execute();
    assertEquals("2", updated.getId().getVersionIdPart());
    Patient first = client.read().resource(Patient.class).withId(new IdType("Patient", id.getIdPart(), "1")).execute();
    assertEquals("Interop-" + encoding, first.getNameFirstRep().getFamily());
    try {
      client.read().resource(Patient.class).withId("no-such-" + encoding).execute();
      throw new AssertionError("a missing resource must be 404");
    } catch (ResourceNotFoundException expected) {
      assertEquals(404, expected.getStatusCode());
    }
  }

  @ParameterizedTest
  @EnumSource(value = EncodingEnum.class, names = {"JSON", "XML"})
  void searchWalksEveryNextLinkAndSeesEachMatchOnce(EncodingEnum encoding) {
    IGenericClient client = client(encoding);
    String family = "Paged" + UUID.randomUUID().toString().replace("-", "");
    Set<String> createdIds = new HashSet<>();
    for (int i = 0; i < MATCHES; i++) {
      createdIds.add(client.create().resource(patient(family, "P" + i)).execute().getId().getIdPart());
    }
    client.create().resource(patient("Other" + family, "Not a match")).execute();

    Bundle page = client.search().forResource(Patient.class).where(Patient.FAMILY.matchesExactly().value(family))
        .count(PAGE).returnBundle(Bundle.class).execute();
    List<String> seen = new ArrayList<>();
    Map<Integer, Integer> pageSizes = new HashMap<>();
    int pages = 0;
    while (true) {
      pages++;
      pageSizes.put(pages, page.getEntry().size());
      for (Bundle.BundleEntryComponent entry : page.getEntry()) {
        Patient match = (Patient) entry.getResource();
        assertEquals(family, match.getNameFirstRep().getFamily());
        seen.add(match.getIdElement().getIdPart());
      }
      if (page.getLink(Bundle.LINK_NEXT) == null) {
        break;
      }
      page = client.loadPage().next(page).execute();
    }
    assertEquals(MATCHES, seen.size(), "each match once: " + seen);
    assertEquals(createdIds, new HashSet<>(seen));
    assertEquals((MATCHES + PAGE - 1) / PAGE, pages, "pages: " + pageSizes);
  }

  @ParameterizedTest
  @EnumSource(value = EncodingEnum.class, names = {"JSON", "XML"})
  void transactionWithUrnUuidReference(EncodingEnum encoding) {
    IGenericClient client = client(encoding);
    Patient patient = patient("Tx-" + encoding, "Eve");
    String patientUrn = "urn:uuid:" + UUID.randomUUID();
    Observation weight = new Observation();
    weight.setStatus(Observation.ObservationStatus.FINAL);
    weight.getCode().addCoding().setSystem("http://loinc.org").setCode("29463-7").setDisplay("Body weight");
    weight.setSubject(new Reference(patientUrn));
    weight.setValue(new Quantity().setValue(new java.math.BigDecimal("61.50")).setUnit("kg")
        .setSystem("http://unitsofmeasure.org").setCode("kg"));
    Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    transaction.addEntry().setFullUrl(patientUrn).setResource(patient)
        .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
    transaction.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(weight)
        .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");

    Bundle response = client.transaction().withBundle(transaction).execute();
    assertEquals(Bundle.BundleType.TRANSACTIONRESPONSE, response.getType());
    assertEquals(2, response.getEntry().size());
    assertTrue(response.getEntry().get(0).getResponse().getStatus().startsWith("201"));
    IdType patientId = new IdType(response.getEntry().get(0).getResponse().getLocation());
    IdType observationId = new IdType(response.getEntry().get(1).getResponse().getLocation());
    assertEquals("Patient", patientId.getResourceType());

    Observation stored = client.read().resource(Observation.class).withId(observationId.getIdPart()).execute();
    assertEquals("Patient/" + patientId.getIdPart(), stored.getSubject().getReference());
    assertEquals("61.50", stored.getValueQuantity().getValueElement().getValueAsString());
    Patient storedPatient = client.read().resource(Patient.class).withId(patientId.getIdPart()).execute();
    assertEquals("Tx-" + encoding, storedPatient.getNameFirstRep().getFamily());
  }
}
