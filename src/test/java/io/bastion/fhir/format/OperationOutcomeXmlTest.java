package io.bastion.fhir.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.StrictErrorHandler;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;

/** The synchronous error writer's XML is valid R4 for HAPI's strict parser and says what the JSON says. */
class OperationOutcomeXmlTest {

  @Test
  void errorOutcomeIsValidR4XmlWithEveryFieldEscaped() {
    JsonObject outcome = new JsonObject("""
        {"resourceType":"OperationOutcome","issue":[
          {"severity":"error","code":"too-costly","details":{"text":"request id 42"},
           "diagnostics":"body > 64 KiB & \\"quoted\\" <tag>","expression":["Patient.name","Patient.birthDate"]},
          {"severity":"warning","code":"not-supported","diagnostics":"second"}]}""");
    String xml = OperationOutcomeXml.encode(outcome);
    OperationOutcome parsed = FhirContext.forR4().newXmlParser().setParserErrorHandler(new StrictErrorHandler())
        .parseResource(OperationOutcome.class, xml);
    assertEquals(2, parsed.getIssue().size());
    OperationOutcome.OperationOutcomeIssueComponent first = parsed.getIssueFirstRep();
    assertEquals("too-costly", first.getCode().toCode());
    assertEquals("request id 42", first.getDetails().getText());
    assertEquals("body > 64 KiB & \"quoted\" <tag>", first.getDiagnostics());
    assertEquals(2, first.getExpression().size());
    // and the full converter reads it back to the same JSON
    assertEquals(outcome, new JsonObject(new FhirXmlConverter(128).xmlToJson(xml.getBytes(StandardCharsets.UTF_8))));
  }
}
