package io.bastion.fhir.validation;

import static io.bastion.fhir.validation.Validation.assertIssue;
import static io.bastion.fhir.validation.Validation.assertOnly;
import static io.bastion.fhir.validation.Validation.assertValid;
import static io.bastion.fhir.validation.Validation.issues;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Unknown elements wherever they are, _ companions of primitives (aligned in arrays), extensions, contained
 * and nested resources, contentReference elements.
 */
class UnknownElementValidationTest {

  @Test
  void unknownElementsAtEveryLevel() {
    assertOnly("{'resourceType':'Patient','nickname':'x'}", "Patient.nickname", "structure");
    assertOnly("{'resourceType':'Patient','name':[{'family':'A','middle':'B'}]}", "Patient.name[0].middle", "structure");
    assertOnly("{'resourceType':'Patient','contact':[{'gender':'male','pet':'cat'}]}", "Patient.contact[0].pet",
        "structure");
    assertOnly("{'resourceType':'Patient','meta':{'versionId':'1','colour':'red'}}", "Patient.meta.colour",
        "structure");
    assertOnly("{'resourceType':'Patient','fhir_comments':['x']}", "Patient.fhir_comments", "structure");
    assertOnly("{'resourceType':'Patient','Gender':'male'}", "Patient.Gender", "structure");
  }

  @Test
  void companionsOfPrimitives() {
    String ext = "{'extension':[{'url':'http://x.org/e','valueString':'a'}]}";
    assertValid("{'resourceType':'Patient','birthDate':'1970','_birthDate':" + ext + "}");
    assertValid("{'resourceType':'Patient','_birthDate':" + ext + "}");
    assertValid("{'resourceType':'Patient','_birthDate':{'id':'b1','extension':[{'url':'http://x.org/e','valueString':'a'}]}}");
    assertOnly("{'resourceType':'Patient','_name':" + ext + "}", "Patient._name", "structure");
    assertOnly("{'resourceType':'Patient','_nickname':" + ext + "}", "Patient._nickname", "structure");
    assertOnly("{'resourceType':'Patient','birthDate':'1970','_birthDate':{'colour':'red'}}",
        "Patient.birthDate.colour", "structure");
    assertOnly("{'resourceType':'Patient','birthDate':'1970','_birthDate':'x'}", "Patient.birthDate", "structure");
    assertOnly("{'resourceType':'Patient','birthDate':'1970','_birthDate':{}}", "Patient.birthDate", "structure");
    assertOnly("{'resourceType':'Patient','birthDate':'1970','_birthDate':{'extension':[{'url':'http://x.org/e'}]}}",
        "Patient.birthDate.extension[0]", "structure");
  }

  @Test
  void primitiveArraysLineUpWithTheirCompanions() {
    String ext = "{'extension':[{'url':'http://x.org/e','valueString':'a'}]}";
    assertValid("{'resourceType':'Patient','name':[{'given':['A','B'],'_given':[null," + ext + "]}]}");
    assertValid("{'resourceType':'Patient','name':[{'given':['A',null],'_given':[null," + ext + "]}]}");
    assertValid("{'resourceType':'Patient','name':[{'_given':[" + ext + "]}]}");
    assertOnly("{'resourceType':'Patient','name':[{'given':['A','B'],'_given':[" + ext + "]}]}",
        "Patient.name[0].given", "structure");
    assertOnly("{'resourceType':'Patient','name':[{'given':['A',null],'_given':[" + ext + ",null]}]}",
        "Patient.name[0].given[1]", "structure");
    assertOnly("{'resourceType':'Patient','name':[{'given':['A'],'_given':" + ext + "}]}",
        "Patient.name[0].given", "structure");
    assertOnly("{'resourceType':'Patient','name':[{'given':['A',1],'_given':[null," + ext + "]}]}",
        "Patient.name[0].given[1]", "value");
  }

  @Test
  void extensionsNeedAUrlAndEitherAValueOrExtensions() {
    assertValid("{'resourceType':'Patient','extension':[{'url':'http://x.org/e','extension':[{'url':'part',"
        + "'valueCode':'a'}]}]}");
    assertOnly("{'resourceType':'Patient','extension':[{'url':'http://x.org/e'}]}", "Patient.extension[0]",
        "structure");
    assertOnly("{'resourceType':'Patient','extension':[{'url':'http://x.org/e','valueCode':'a','extension':"
        + "[{'url':'p','valueCode':'b'}]}]}", "Patient.extension[0]", "structure");
    assertOnly("{'resourceType':'Patient','extension':{'url':'http://x.org/e','valueCode':'a'}}", "Patient.extension",
        "structure");
    assertOnly("{'resourceType':'Patient','extension':[{'url':'http://x.org/ e','valueCode':'a'}]}",
        "Patient.extension[0].url", "value");
    assertOnly("{'resourceType':'Patient','modifierExtension':[{'url':'http://x.org/e','valueCode':'a','x':1}]}",
        "Patient.modifierExtension[0].x", "structure");
    assertOnly("{'resourceType':'Patient','name':[{'family':'A','extension':[{'valueCode':'a'}]}]}",
        "Patient.name[0].extension[0].url", "required");
  }

  @Test
  void containedResourcesAreValidatedAsTheirOwnType() {
    String request = "{'resourceType':'MedicationRequest','status':'active','intent':'order',"
        + "'subject':{'reference':'Patient/1'},'medicationReference':{'reference':'#m'},'contained':[%s]}";
    assertValid(request.formatted("{'resourceType':'Medication','id':'m','code':{'text':'aspirin'}}"));
    assertOnly(request.formatted("{'resourceType':'Medication','id':'m','code':{'text':1}}"),
        "MedicationRequest.contained[0].code.text", "value");
    assertOnly(request.formatted("{'resourceType':'Medication','id':'m','dose':1}"),
        "MedicationRequest.contained[0].dose", "structure");
    List<JsonObject> unknownType = issues(request.formatted("{'resourceType':'Martian','id':'m'}"));
    assertIssue(unknownType, "MedicationRequest.contained[0]", "structure");
    assertOnly(request.formatted("{'resourceType':'Medication','id':'m','contained':[{'resourceType':'Substance',"
        + "'code':{'text':'x'}}]}"), "MedicationRequest.contained[0].contained", "structure");
  }

  @Test
  void resourcesInsideBundlesAndParameters() {
    assertValid("{'resourceType':'Bundle','type':'collection','entry':[{'resource':{'resourceType':'Patient',"
        + "'birthDate':'1970'}}]}");
    assertOnly("{'resourceType':'Bundle','type':'collection','entry':[{'resource':{'resourceType':'Patient'}},"
        + "{'resource':{'resourceType':'Patient','birthDate':'1970-02-30'}}]}",
        "Bundle.entry[1].resource.birthDate", "value");
    List<JsonObject> issues = issues("{'resourceType':'Parameters','parameter':[{'name':'p','resource':"
        + "{'resourceType':'Observation'}}]}");
    assertEquals(2, issues.size(), Validation.describe(issues));
    assertIssue(issues, "Parameters.parameter[0].resource.status", "required");
    assertIssue(issues, "Parameters.parameter[0].resource.code", "required");
  }

  @Test
  void contentReferenceElementsRecurse() {
    String nested = "{'resourceType':'Questionnaire','status':'draft','item':[{'linkId':'1','type':'group','item':"
        + "[{'linkId':'1.1','type':'group','item':[{'linkId':'1.1.1','type':'string'%s}]}]}]}";
    assertValid(nested.formatted(""));
    assertOnly(nested.formatted(",'colour':'red'"), "Questionnaire.item[0].item[0].item[0].colour", "structure");
    assertOnly(nested.formatted(",'required':'yes'"), "Questionnaire.item[0].item[0].item[0].required", "value");
    List<JsonObject> issues = issues(nested.formatted(",'linkId':null".replace("'linkId':null", "'prefix':'a'"))
        .replace("'linkId':'1.1.1',", ""));
    assertEquals(1, issues.size(), Validation.describe(issues));
    assertIssue(issues, "Questionnaire.item[0].item[0].item[0].linkId", "required");
    assertOnly("{'resourceType':'Observation','status':'final','code':{'text':'x'},'component':[{'code':{'text':'a'},"
        + "'referenceRange':[{'text':'normal','colour':'red'}]}]}", "Observation.component[0].referenceRange[0].colour",
        "structure");
  }

  @Test
  void everyResourceTypeAcceptsItsMinimalForm() {
    // a resource with only its required elements missing reports exactly those, for every R4 type
    for (String type : ResourceTypes.r4().names()) {
      List<JsonObject> issues = issues(new JsonObject().put("resourceType", type));
      for (JsonObject issue : issues) {
        assertEquals("required", issue.getString("code"), type + ": " + Validation.describe(issues));
      }
      assertEquals(StructureModel.r4().resource(type).required().size(), issues.size(), type);
    }
  }
}
