package io.bastion.fhir.format;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.LenientErrorHandler;
import ca.uhn.fhir.parser.StrictErrorHandler;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * FHIR R4 XML to JSON and back, through HAPI FHIR's R4 model and parsers. Everything inside Bastion is
 * JSON: an XML request body becomes JSON before validation and storage, a JSON response becomes XML at
 * the edge. Every method blocks (parsing, and the first call builds HAPI's context, about a second and
 * tens of MB): call them on a worker thread only. Thread-safe; parsers are made per call, as HAPI's
 * parsers are not thread-safe but cheap to create from the shared context.
 */
public final class FhirXmlConverter {

  private final HostileXmlGuard guard;
  private volatile FhirContext context;

  /** @param maxXmlDepth deepest element nesting accepted in a request body */
  public FhirXmlConverter(int maxXmlDepth) {
    this.guard = new HostileXmlGuard(maxXmlDepth);
  }

  /**
   * A request body in XML as a JSON resource. Refuses (with {@link XmlRejectedException}) bodies that are
   * not UTF-8, hostile or malformed XML ({@link HostileXmlGuard}), and XML that is not a valid FHIR R4
   * resource: unknown elements and invalid values are errors here, as dropping them would store less
   * than the client sent.
   */
  public String xmlToJson(byte[] body) {
    String xml = utf8(body);
    guard.check(xml);
    FhirContext fhir = context();
    IBaseResource resource;
    try {
      resource = fhir.newXmlParser().setParserErrorHandler(new StrictErrorHandler()).parseResource(xml);
    } catch (RuntimeException e) {
      throw new XmlRejectedException(400, "structure", "the XML body is not a valid FHIR R4 resource: " + withoutValues(e));
    }
    return fhir.newJsonParser().encodeResourceToString(resource);
  }

  /**
   * A JSON resource as XML. The JSON comes from this server (stored resources, Bundles, OperationOutcomes),
   * so parsing is lenient and silent: an element HAPI does not know must not stop a response or leak into logs.
   */
  public String jsonToXml(String json) {
    FhirContext fhir = context();
    IBaseResource resource = fhir.newJsonParser().setParserErrorHandler(new LenientErrorHandler(false)).parseResource(json);
    return fhir.newXmlParser().encodeResourceToString(resource);
  }

  /**
   * Builds the HAPI context and loads what the common responses need (each R4 type's model classes load on
   * first use), so the first XML request does not pay for it: a Patient both ways, a Bundle with an
   * OperationOutcome, and the given documents (the CapabilityStatement, ~200 KB, the largest constant one).
   */
  public void warmUp(String... documents) {
    String json = "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[{\"resource\":{\"resourceType\":"
        + "\"Patient\",\"id\":\"warm\",\"name\":[{\"family\":\"Up\"}]}},{\"resource\":{\"resourceType\":"
        + "\"OperationOutcome\",\"issue\":[{\"severity\":\"information\",\"code\":\"informational\"}]}}]}";
    xmlToJson(jsonToXml(json).getBytes(StandardCharsets.UTF_8));
    for (String document : documents) {
      jsonToXml(document);
    }
  }

  private FhirContext context() {
    FhirContext current = context;
    if (current == null) {
      synchronized (this) {
        current = context;
        if (current == null) {
          current = FhirContext.forR4();
          // keep what clients sent: versioned references stay versioned, a Bundle entry's resource keeps
          // its own id (not its fullUrl's), and nothing is contained that the resource did not contain
          current.getParserOptions().setStripVersionsFromReferences(false)
              .setOverrideResourceIdWithBundleEntryFullUrl(false);
          current.getParserOptions().setAutoContainReferenceTargetsWithNoId(false);
          context = current;
        }
      }
    }
    return current;
  }

  private static String utf8(byte[] body) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
    } catch (CharacterCodingException e) {
      throw new XmlRejectedException(400, "invalid", "the XML body is not valid UTF-8");
    }
  }

  /** HAPI's message without the quoted values it sometimes includes (they may be patient data). */
  private static String withoutValues(RuntimeException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.replaceAll("\"[^\"]*\"", "\"…\"");
  }
}
