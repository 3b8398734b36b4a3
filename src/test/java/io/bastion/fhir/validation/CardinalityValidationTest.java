package io.bastion.fhir.validation;

import static io.bastion.fhir.validation.Validation.assertIssue;
import static io.bastion.fhir.validation.Validation.assertOnly;
import static io.bastion.fhir.validation.Validation.assertValid;
import static io.bastion.fhir.validation.Validation.issues;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cardinality and JSON shape: required elements, max, arrays exactly for repeating elements, no nulls or empties. */
class CardinalityValidationTest {

  @Test
  void requiredElementsOfTheResourceAndOfBackbones() {
    List<JsonObject> issues = issues("{'resourceType':'Observation'}");
    assertEquals(2, issues.size(), Validation.describe(issues));
    assertIssue(issues, "Observation.status", "required");
    assertIssue(issues, "Observation.code", "required");
    assertOnly("{'resourceType':'Observation','status':'final','code':{'text':'x'},'component':[{'valueString':'a'}]}",
        "Observation.component[0].code", "required");
    assertOnly("{'resourceType':'Patient','link':[{'type':'seealso'}]}", "Patient.link[0].other", "required");
    assertOnly("{'resourceType':'Patient','extension':[{'valueString':'a'}]}", "Patient.extension[0].url", "required");
  }

  @Test
  void aPrimitiveWithOnlyExtensionsIsPresent() {
    assertValid("{'resourceType':'Observation','_status':{'extension':[{'url':'http://x.org/e','valueString':'a'}]},"
        + "'code':{'text':'x'}}");
  }

  @Test
  void aRequiredChoiceIsPresentUnderAnyOfItsTypes() {
    String when = "{'resourceType':'Questionnaire','status':'draft','item':[{'linkId':'1','type':'string',"
        + "'enableWhen':[{'question':'q','operator':'exists'%s}]}]}";
    assertValid(when.formatted(",'answerBoolean':true"));
    assertValid(when.formatted(",'answerCoding':{'code':'a'}"));
    assertOnly(when.formatted(""), "Questionnaire.item[0].enableWhen[0].answer", "required");
  }

  @Test
  void singleElementsAreNotArraysAndRepeatingOnesAreArrays() {
    assertOnly("{'resourceType':'Patient','gender':['male']}", "Patient.gender", "structure");
    assertOnly("{'resourceType':'Patient','maritalStatus':[{'text':'x'}]}", "Patient.maritalStatus", "structure");
    assertOnly("{'resourceType':'Patient','name':{'family':'A'}}", "Patient.name", "structure");
    assertOnly("{'resourceType':'Patient','name':[{'given':'Ann'}]}", "Patient.name[0].given", "structure");
  }

  @Test
  void emptyArraysObjectsAndNullsAreRefused() {
    assertOnly("{'resourceType':'Patient','name':[]}", "Patient.name", "structure");
    assertOnly("{'resourceType':'Patient','maritalStatus':{}}", "Patient.maritalStatus", "structure");
    assertOnly("{'resourceType':'Patient','maritalStatus':{'id':'a'}}", "Patient.maritalStatus", "structure");
    assertOnly("{'resourceType':'Patient','gender':null}", "Patient.gender", "structure");
    assertOnly("{'resourceType':'Patient','name':[null]}", "Patient.name[0]", "structure");
    assertOnly("{'resourceType':'Patient','name':[{'given':['A',null]}]}", "Patient.name[0].given[1]", "structure");
    assertOnly("{'resourceType':'Patient','maritalStatus':'married'}", "Patient.maritalStatus", "structure");
  }

  @Test
  void nestedBackboneElementsAreWalked() {
    String contact = "{'resourceType':'Patient','contact':[{'name':{'family':'A'},'telecom':[{'system':'phone',"
        + "'value':'1','rank':%s}]}]}";
    assertValid(contact.formatted("1"));
    assertOnly(contact.formatted("0"), "Patient.contact[0].telecom[0].rank", "value");
    assertOnly("{'resourceType':'Observation','status':'final','code':{'text':'x'},'component':[{'code':{'text':'a'},"
        + "'referenceRange':[{'low':{'value':'1'}}]}]}", "Observation.component[0].referenceRange[0].low.value", "value");
  }

  @Test
  void everyProblemIsReportedNotTheFirst() {
    List<JsonObject> issues = issues("{'resourceType':'Observation','status':'final','code':{'text':'x'},'component':["
        + "{'code':{'text':'a'}},{'valueString':'no code'},{'code':{'text':'c'},'valueQuantity':{'value':'x'}}],"
        + "'issued':'yesterday','subject':{'reference':'Medication/1'},'colour':'red'}");
    assertEquals(5, issues.size(), Validation.describe(issues));
    assertIssue(issues, "Observation.component[1].code", "required");
    assertIssue(issues, "Observation.component[2].value.ofType(Quantity).value", "value");
    assertIssue(issues, "Observation.issued", "value");
    assertIssue(issues, "Observation.subject.reference", "value");
    assertIssue(issues, "Observation.colour", "structure");
  }

  @Test
  void theListOfProblemsIsBounded() {
    StringBuilder json = new StringBuilder("{'resourceType':'Patient','name':[");
    for (int i = 0; i < 1500; i++) {
      json.append(i == 0 ? "" : ",").append("{'family':1}");
    }
    List<JsonObject> issues = issues(json.append("]}").toString());
    assertEquals(Issues.MAX + 1, issues.size());
    assertEquals("information", issues.get(Issues.MAX).getString("severity"));
  }
}
