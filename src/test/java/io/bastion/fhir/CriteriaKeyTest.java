package io.bastion.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

/** The advisory-lock key of conditional criteria: the same search takes the same lock however it is spelled. */
class CriteriaKeyTest {

  private static String key(String type, String query) {
    return ConditionalSearch.key(type, ConditionalSearch.criteria(query));
  }

  @Test
  void orderAndResultParametersDoNotChangeTheKey() {
    String key = key("Patient", "identifier=urn:x%7C1&family=Doe");
    assertEquals(key, key("Patient", "family=Doe&identifier=urn:x|1"));
    assertEquals(key, key("Patient", "_count=2&family=Doe&_format=json&identifier=urn:x%7C1&_pretty=true"));
    assertEquals(key, key("Patient", "Patient?family=Doe&identifier=urn:x%7C1"));
  }

  @Test
  void otherTypesValuesAndSeparatorsGiveOtherKeys() {
    String key = key("Patient", "identifier=urn:x%7C1");
    assertNotEquals(key, key("Practitioner", "identifier=urn:x%7C1"));
    assertNotEquals(key, key("Patient", "identifier=urn:x%7C2"));
    // a value holding '&' or '=' cannot pose as two parameters
    assertNotEquals(key("Patient", "a=1%262&b=3"), key("Patient", "a=1&2&b=3"));
    assertNotEquals(key("Patient", "a=b%3Dc"), key("Patient", "a%3Db=c"));
  }
}
