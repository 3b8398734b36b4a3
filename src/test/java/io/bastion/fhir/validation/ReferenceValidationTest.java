package io.bastion.fhir.validation;

import static io.bastion.fhir.validation.Validation.assertOnly;
import static io.bastion.fhir.validation.Validation.assertValid;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reference.reference: the R4 forms, the element's target types, local references to contained resources. */
class ReferenceValidationTest {

  private static final String SUBJECT = "{'resourceType':'Observation','status':'final','code':{'text':'x'},"
      + "'subject':{'reference':'%s'}}";

  @ParameterizedTest
  @ValueSource(strings = {"Patient/123", "Group/a.b-c", "Patient/123/_history/2", "http://other.org/fhir/Patient/9",
      "https://other.org/fhir/Device/9/_history/1", "http://other.org/some/where",
      "urn:uuid:c757873d-ec9a-4326-a141-556f43239520", "urn:oid:1.2.3.4"})
  void acceptedForms(String reference) {
    assertValid(SUBJECT.formatted(reference));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Patient", "Patient/", "Patient/bad_id", "patient/1", "Martian/1", "Patient/1/_history",
      "123", "Patient 1", "urn:uuid:not-a-uuid", "urn:uuid:C757873D-EC9A-4326-A141-556F43239520", "urn:oid:9.1",
      "#bad id", "#nothere", "ftp:/nope"})
  void refusedForms(String reference) {
    assertOnly(SUBJECT.formatted(reference), "Observation.subject.reference", "value");
  }

  @Test
  void targetsComeFromTheDefinition() {
    JsonObject issue = assertOnly(SUBJECT.formatted("Medication/1"), "Observation.subject.reference", "value");
    assertTrue(issue.getString("diagnostics").contains("Device, Group, Location, Patient, not Medication"),
        issue.encode());
    assertOnly(SUBJECT.formatted("http://other.org/fhir/Medication/1"), "Observation.subject.reference", "value");
    // Reference(Any) takes every type
    assertValid("{'resourceType':'Observation','status':'final','code':{'text':'x'},'focus':[{'reference':'Medication/1'}]}");
    assertOnly("{'resourceType':'Observation','status':'final','code':{'text':'x'},'encounter':{'reference':'Patient/1'}}",
        "Observation.encounter.reference", "value");
  }

  @Test
  void localReferencesNameAContainedResource() {
    String contained = "{'resourceType':'MedicationRequest','status':'active','intent':'order',"
        + "'subject':{'reference':'Patient/1'},'contained':[{'resourceType':'Medication','id':'med1'}],"
        + "'medicationReference':{'reference':'%s'}}";
    assertValid(contained.formatted("#med1"));
    assertOnly(contained.formatted("#med2"), "MedicationRequest.medication.ofType(Reference).reference", "value");
  }

  @Test
  void referencesWithoutReferenceTextAreFine() {
    assertValid("{'resourceType':'Observation','status':'final','code':{'text':'x'},"
        + "'subject':{'identifier':{'system':'http://x.org','value':'1'},'display':'someone'}}");
    assertOnly("{'resourceType':'Observation','status':'final','code':{'text':'x'},'subject':{'reference':7}}",
        "Observation.subject.reference", "value");
  }
}
