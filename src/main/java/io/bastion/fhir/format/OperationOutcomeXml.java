package io.bastion.fhir.format;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.StringWriter;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * An error OperationOutcome as FHIR XML, written at once with the JDK's StAX writer instead of HAPI. Router
 * error handlers (404, 405, 413, 500 ...) must end the response before they return, or vertx-web ends it
 * with a bare status line, so they cannot wait for a worker; their outcomes have a fixed, small shape:
 * issues of severity, code, details.text, diagnostics and expression, written in R4's element order.
 */
public final class OperationOutcomeXml {

  private static final String FHIR_NS = "http://hl7.org/fhir";

  private OperationOutcomeXml() {
  }

  public static String encode(JsonObject outcome) {
    StringWriter out = new StringWriter();
    try {
      // one factory per call: StAX factories are not documented as thread-safe, and this is a plain constructor
      XMLStreamWriter xml = XMLOutputFactory.newDefaultFactory().createXMLStreamWriter(out);
      xml.writeStartElement("OperationOutcome");
      xml.writeDefaultNamespace(FHIR_NS);
      JsonArray issues = outcome.getJsonArray("issue", new JsonArray());
      for (int i = 0; i < issues.size(); i++) {
        JsonObject issue = issues.getJsonObject(i);
        xml.writeStartElement("issue");
        primitive(xml, "severity", issue.getString("severity"));
        primitive(xml, "code", issue.getString("code"));
        JsonObject details = issue.getJsonObject("details");
        if (details != null && details.getString("text") != null) {
          xml.writeStartElement("details");
          primitive(xml, "text", details.getString("text"));
          xml.writeEndElement();
        }
        primitive(xml, "diagnostics", issue.getString("diagnostics"));
        for (Object expression : issue.getJsonArray("expression", new JsonArray())) {
          primitive(xml, "expression", String.valueOf(expression));
        }
        xml.writeEndElement();
      }
      xml.writeEndElement();
      xml.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("writing to a string cannot fail", e);
    }
    return out.toString();
  }

  private static void primitive(XMLStreamWriter xml, String name, String value) throws XMLStreamException {
    if (value != null) {
      xml.writeEmptyElement(name);
      xml.writeAttribute("value", value);
    }
  }
}
