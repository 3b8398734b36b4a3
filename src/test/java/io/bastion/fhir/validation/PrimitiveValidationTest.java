package io.bastion.fhir.validation;

import static io.bastion.fhir.validation.Validation.assertOnly;
import static io.bastion.fhir.validation.Validation.assertValid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Primitive formats: the spec's regexes, the JSON kind of each primitive, ranges, real calendar days. */
class PrimitiveValidationTest {

  /** A Patient with one element set to the given JSON value. */
  private static String patient(String element, String json) {
    return "{'resourceType':'Patient','" + element + "':" + json + "}";
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "birthDate | '2024'",
      "birthDate | '2024-02'",
      "birthDate | '2024-02-29'",
      "deceasedDateTime | '2024-03-01T10:15:00Z'",
      "deceasedDateTime | '2024-03-01T10:15:00.123+14:00'",
      "deceasedDateTime | '2024-03'",
      "deceasedBoolean | false",
      "gender | 'male'",
      "active | true",
      "multipleBirthInteger | 2",
      "multipleBirthInteger | -2147483648",
      "language | 'en-US'",
      "implicitRules | 'http://example.org/rules'",
      "id | 'a-B.9'"})
  void validPrimitives(String element, String json) {
    assertValid(patient(element, json));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "birthDate | '2024-13-01'",
      "birthDate | '24-01-01'",
      "birthDate | '2024-1-1'",
      "birthDate | '2024-01-01T10:00:00Z'",
      "birthDate | '0000'",
      "birthDate | ''",
      "deceasedDateTime | '2024-03-01T10:15'",
      "deceasedDateTime | '2024-03-01T10:15:00'",
      "deceasedDateTime | '2024-03-01T25:00:00Z'",
      "deceasedDateTime | '2024-03-01T10:15:00+15:00'",
      "deceasedBoolean | 'true'",
      "gender | ' male'",
      "gender | 'ma  le'",
      "active | 1",
      "multipleBirthInteger | '2'",
      "multipleBirthInteger | 2.0",
      "multipleBirthInteger | 1e2",
      "multipleBirthInteger | 2147483648",
      "multipleBirthInteger | 99999999999999999999",
      "implicitRules | 'has space'",
      "id | 'bad_id'",
      "id | ''"})
  void invalidPrimitivesAreValueOrStructureErrorsAtTheirPath(String element, String json) {
    String path = element.equals("deceasedDateTime") ? "deceased.ofType(dateTime)"
        : element.equals("deceasedBoolean") ? "deceased.ofType(boolean)"
        : element.equals("multipleBirthInteger") ? "multipleBirth.ofType(integer)" : element;
    assertOnly(patient(element, json), "Patient." + path, "value");
  }

  @Test
  void datesMustBeDaysThatExist() {
    assertOnly(patient("birthDate", "'2023-02-29'"), "Patient.birthDate", "value");
    assertOnly(patient("birthDate", "'2024-04-31'"), "Patient.birthDate", "value");
    assertValid(patient("birthDate", "'2000-02-29'"));
    assertOnly("{'resourceType':'Observation','status':'final','code':{'text':'x'},'issued':'2023-02-30T00:00:00Z'}",
        "Observation.issued", "value");
  }

  @Test
  void instantNeedsSecondsAndAZone() {
    String obs = "{'resourceType':'Observation','status':'final','code':{'text':'x'},'issued':%s}";
    assertValid(obs.formatted("'2024-01-01T00:00:00Z'"));
    assertOnly(obs.formatted("'2024-01-01'"), "Observation.issued", "value");
    assertOnly(obs.formatted("'2024-01-01T00:00:00'"), "Observation.issued", "value");
  }

  @Test
  void numbersAndTheirRanges() {
    String reference = "{'resourceType':'Observation','status':'final','code':{'text':'x'},"
        + "'valueQuantity':{'value':%s}}";
    assertValid(reference.formatted("1.50"));
    assertValid(reference.formatted("-0.001e3"));
    assertValid(reference.formatted("7"));
    assertOnly(reference.formatted("'1.5'"), "Observation.value.ofType(Quantity).value", "value");
    String sampled = "{'resourceType':'Observation','status':'final','code':{'text':'x'},'valueSampledData':"
        + "{'origin':{'value':0},'period':1,'dimensions':%s}}";
    assertValid(sampled.formatted("1"));
    assertOnly(sampled.formatted("0"), "Observation.value.ofType(SampledData).dimensions", "value");
    assertOnly(sampled.formatted("-1"), "Observation.value.ofType(SampledData).dimensions", "value");
    String account = "{'resourceType':'Account','status':'active','coverage':[{'coverage':{'reference':'Coverage/1'},"
        + "'priority':%s}]}";
    assertValid(account.formatted("1"));
    assertOnly(account.formatted("0"), "Account.coverage[0].priority", "value");
    String questionnaire = "{'resourceType':'Questionnaire','status':'draft','item':[{'linkId':'1','type':'string',"
        + "'maxLength':%s}]}";
    assertValid(questionnaire.formatted("0"));
    assertOnly(questionnaire.formatted("true"), "Questionnaire.item[0].maxLength", "value");
  }

  @Test
  void stringsAreJsonStringsAndNeverEmpty() {
    assertOnly("{'resourceType':'Patient','name':[{'family':42}]}", "Patient.name[0].family", "value");
    assertOnly("{'resourceType':'Patient','name':[{'family':''}]}", "Patient.name[0].family", "value");
    assertOnly("{'resourceType':'Patient','name':[{'family':true}]}", "Patient.name[0].family", "value");
    assertOnly("{'resourceType':'Patient','name':[{'family':{'x':1}}]}", "Patient.name[0].family", "value");
    assertValid("{'resourceType':'Patient','name':[{'family':'O\\u2019Brien \\n Jr'}]}");
  }

  @Test
  void uriFormsOidUuidCanonicalAndBase64() {
    String identifier = "{'resourceType':'Patient','identifier':[{'system':%s,'value':'1'}]}";
    assertValid(identifier.formatted("'urn:oid:1.2.36.146'"));
    assertOnly(identifier.formatted("'http://example.org/a b'"), "Patient.identifier[0].system", "value");
    String attachment = "{'resourceType':'Patient','photo':[{'contentType':'image/png','data':%s}]}";
    assertValid(attachment.formatted("'QUJDRA=='"));
    assertOnly(attachment.formatted("'QUJDR'"), "Patient.photo[0].data", "value");
    assertOnly(attachment.formatted("'QU*DRA=='"), "Patient.photo[0].data", "value");
    String measure = "{'resourceType':'Measure','status':'draft','library':[%s]}";
    assertValid(measure.formatted("'http://example.org/Library/x|1.0'"));
    assertOnly(measure.formatted("'http://example.org/Library/x 1.0'"), "Measure.library[0]", "value");
  }

  @Test
  void timeAndXhtml() {
    String availability = "{'resourceType':'PractitionerRole','availableTime':[{'availableStartTime':%s}]}";
    assertValid(availability.formatted("'08:30:00'"));
    assertOnly(availability.formatted("'8:30'"), "PractitionerRole.availableTime[0].availableStartTime", "value");
    assertValid("{'resourceType':'Patient','text':{'status':'generated',"
        + "'div':'<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\">x</div>'}}");
    assertOnly("{'resourceType':'Patient','text':{'status':'generated','div':'just text'}}", "Patient.text.div",
        "value");
  }

  @Test
  void longValuesAreMatchedWithoutRecursion() {
    // the spec's base64Binary and code patterns overflow java.util.regex's stack at a few thousand characters
    String data = "QUJD".repeat(200_000);
    assertValid("{'resourceType':'Binary','contentType':'text/plain','data':'" + data + "'}");
    assertOnly("{'resourceType':'Binary','contentType':'text/plain','data':'" + data + "A'}", "Binary.data", "value");
    String code = "a ".repeat(50_000) + "a";
    assertValid(patient("gender", "'" + code + "'"));
    assertOnly(patient("gender", "'" + code + " '"), "Patient.gender", "value");
  }

  @Test
  void formatMessagesNeverQuoteTheValue() {
    JsonObject issue = assertOnly(patient("birthDate", "'SecretMarker77'"), "Patient.birthDate", "value");
    assertFalse(issue.encode().contains("SecretMarker77"));
    assertEquals("Patient.birthDate is not a valid date (YYYY, YYYY-MM or YYYY-MM-DD)", issue.getString("diagnostics"));
  }

  @Test
  void nonCapturingCopiesOfTheSpecRegexesMatchExactlyTheSame() throws Exception {
    String[] samples = {"", "2024", "2024-02-29", "2024-13-01", "2024-03-01T10:15:00Z", "2024-03-01T10:15:00+15:00",
        "10:00:00", "25:00:00", "true", "maybe", "-1.50e3", "1.", "0", "01", "+1", "a b", "a  b", " a", "QUJDRA==",
        "QUJ", "urn:oid:1.2.3", "urn:oid:3", "urn:uuid:c757873d-ec9a-4326-a141-556f43239520", "http://x.org/(a)",
        "[x]", "a\tb", "id-1.2", "x".repeat(65)};
    int checked = 0;
    for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("src/main/resources" + StructureModel.TABLE))) {
      String[] f = line.split("\t", -1);
      if (!f[0].equals("P") || f[2].isEmpty()) {
        continue;
      }
      java.util.regex.Pattern spec = java.util.regex.Pattern.compile(f[2]);
      java.util.regex.Pattern copy = java.util.regex.Pattern.compile(PrimitiveFormat.withoutCaptures(f[2]));
      assertEquals(0, copy.matcher("").groupCount(), f[2]);
      for (String sample : samples) {
        assertEquals(spec.matcher(sample).matches(), copy.matcher(sample).matches(), f[1] + " on " + sample);
        checked++;
      }
    }
    assertEquals(19 * samples.length, checked);
    assertEquals("[(]a(?:b)\\((?:c|d)(?:x)", PrimitiveFormat.withoutCaptures("[(]a(?:b)\\((c|d)(x)"));
  }

  @Test
  void everyPrimitiveOfTheModelHasItsFormat() {
    for (String type : new String[] {"base64Binary", "boolean", "canonical", "code", "date", "dateTime", "decimal",
        "id", "instant", "integer", "markdown", "oid", "positiveInt", "string", "time", "unsignedInt", "uri", "url",
        "uuid", "xhtml"}) {
      TypeModel model = StructureModel.r4().type(type);
      assertEquals(TypeModel.Kind.PRIMITIVE, model.kind(), type);
      assertEquals(type, model.format().type());
    }
    assertNull(StructureModel.r4().type("uuid").format().check("urn:uuid:c757873d-ec9a-4326-a141-556f43239520"));
    assertEquals("is not a valid uuid (urn:uuid: followed by a lower-case UUID)",
        StructureModel.r4().type("uuid").format().check("urn:uuid:C757873D-EC9A-4326-A141-556F43239520"));
    assertNull(StructureModel.r4().type("oid").format().check("urn:oid:2.16.840.1"));
    assertEquals("is not a valid oid (urn:oid: followed by dotted numbers)",
        StructureModel.r4().type("oid").format().check("urn:oid:3.1"));
    assertNull(StructureModel.r4().type("markdown").format().check("# Title\n\n* item"));
  }
}
