package io.bastion.fhir.validation;

import static io.bastion.fhir.validation.Validation.assertOnly;
import static io.bastion.fhir.validation.Validation.assertValid;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Choice elements (value[x]): only the allowed types, at most one of them, named by FHIRPath ofType(). */
class ChoiceTypeValidationTest {

  private static final String OBSERVATION = "{'resourceType':'Observation','status':'final','code':{'text':'x'}%s}";

  @Test
  void eachAllowedTypeIsAccepted() {
    assertValid(OBSERVATION.formatted(",'valueQuantity':{'value':1,'unit':'kg'}"));
    assertValid(OBSERVATION.formatted(",'valueCodeableConcept':{'text':'positive'}"));
    assertValid(OBSERVATION.formatted(",'valueString':'text'"));
    assertValid(OBSERVATION.formatted(",'valueBoolean':true"));
    assertValid(OBSERVATION.formatted(",'valueInteger':3"));
    assertValid(OBSERVATION.formatted(",'valueRange':{'low':{'value':1}}"));
    assertValid(OBSERVATION.formatted(",'valueTime':'10:00:00'"));
    assertValid(OBSERVATION.formatted(",'valuePeriod':{'start':'2020'}"));
    assertValid(OBSERVATION.formatted(",'effectiveDateTime':'2020-01-01','valueDateTime':'2020'"));
  }

  @Test
  void aTypeTheChoiceDoesNotAllowIsRefused() {
    JsonObject issue = assertOnly(OBSERVATION.formatted(",'valueMoney':{'value':1}"), "Observation.valueMoney",
        "structure");
    assertTrue(issue.getString("diagnostics").contains("value[x] of Observation does not take the type Money"),
        issue.encode());
    assertOnly(OBSERVATION.formatted(",'valueDate':'2020-01-01'"), "Observation.valueDate", "structure");
    assertOnly(OBSERVATION.formatted(",'valuequantity':{'value':1}"), "Observation.valuequantity", "structure");
    assertOnly(OBSERVATION.formatted(",'value':{'value':1}"), "Observation.value", "structure");
    assertOnly("{'resourceType':'Patient','deceasedString':'yes'}", "Patient.deceasedString", "structure");
  }

  @Test
  void atMostOneTypePerChoice() {
    JsonObject issue = assertOnly(OBSERVATION.formatted(",'valueString':'a','valueBoolean':true"), "Observation.value",
        "structure");
    assertTrue(issue.getString("diagnostics").contains("more than one type"), issue.encode());
    assertOnly("{'resourceType':'Patient','deceasedBoolean':true,'_deceasedDateTime':{'extension':["
        + "{'url':'http://x.org/e','valueString':'a'}]}}", "Patient.deceased", "structure");
  }

  @Test
  void theValueInsideAChoiceIsValidatedAsItsType() {
    assertOnly(OBSERVATION.formatted(",'valueBoolean':'true'"), "Observation.value.ofType(boolean)", "value");
    assertOnly(OBSERVATION.formatted(",'valueQuantity':{'value':1,'colour':'red'}"),
        "Observation.value.ofType(Quantity).colour", "structure");
    assertOnly(OBSERVATION.formatted(",'component':[{'code':{'text':'a'},'valueQuantity':{'value':'1'}}]"),
        "Observation.component[0].value.ofType(Quantity).value", "value");
  }

  @Test
  void extensionValuesAreChoicesToo() {
    String extension = "{'resourceType':'Patient','extension':[{'url':'http://x.org/e',%s}]}";
    assertValid(extension.formatted("'valueDecimal':1.5"));
    assertValid(extension.formatted("'valueReference':{'reference':'Organization/1'}"));
    assertOnly(extension.formatted("'valueDecimal':'1.5'"), "Patient.extension[0].value.ofType(decimal)", "value");
    assertOnly(extension.formatted("'valueBackboneElement':{}"), "Patient.extension[0].valueBackboneElement",
        "structure");
  }
}
