package io.bastion.fhir.format;

import java.io.StringReader;
import javax.xml.XMLConstants;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * One streaming pass over an XML body before any FHIR parser sees it. FHIR XML never needs a document
 * type, so any DOCTYPE is refused outright: that closes external entities (XXE, file and URL reads) and
 * entity expansion (billion laughs) whatever the parser behind us would do with them. It also refuses
 * entity references the parser could not resolve, malformed documents and nesting deeper than a limit
 * (the JSON limit's counterpart: deep documents exist to exhaust recursive parsers).
 */
public final class HostileXmlGuard {

  private final int maxDepth;

  public HostileXmlGuard(int maxDepth) {
    this.maxDepth = maxDepth;
  }

  /**
   * The JDK's own StAX implementation, whatever else is on the classpath, so the settings below are known to
   * hold. One per check: factories are not documented as thread-safe, and this one is a plain constructor.
   */
  private static XMLInputFactory factory() {
    XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
    factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
    factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    factory.setXMLResolver((publicId, systemId, base, namespace) -> {
      throw new XMLStreamException("external resources are not resolved");
    });
    return factory;
  }

  /** Returns normally when the document is well-formed, has no DOCTYPE or entity references, and is not too deep. */
  public void check(String xml) {
    XMLStreamReader reader = null;
    try {
      reader = factory().createXMLStreamReader(new StringReader(xml));
      int depth = 0;
      boolean root = false;
      while (reader.hasNext()) {
        switch (reader.next()) {
          case XMLStreamConstants.DTD -> throw refused(reader.getLocation(),
              "a DOCTYPE (document type declaration) is not allowed in FHIR XML");
          case XMLStreamConstants.ENTITY_REFERENCE -> throw refused(reader.getLocation(),
              "entity references other than the five predefined ones are not allowed in FHIR XML");
          case XMLStreamConstants.START_ELEMENT -> {
            root = true;
            if (++depth > maxDepth) {
              throw new XmlRejectedException(422, "too-costly",
                  "the XML body nests elements deeper than " + maxDepth + " levels" + at(reader.getLocation()));
            }
          }
          case XMLStreamConstants.END_ELEMENT -> depth--;
          default -> {
            // text, comments, processing instructions: harmless
          }
        }
      }
      if (!root) {
        throw new XmlRejectedException(400, "invalid", "the XML body has no root element");
      }
    } catch (XMLStreamException e) {
      // the parser's message can quote the document; only the position is passed on
      throw new XmlRejectedException(400, "invalid", "the XML body is not well-formed XML" + at(e.getLocation()));
    } finally {
      close(reader);
    }
  }

  private static XmlRejectedException refused(Location location, String why) {
    return new XmlRejectedException(400, "security", why + at(location));
  }

  private static String at(Location location) {
    return location == null || location.getLineNumber() < 0 ? ""
        : " (line " + location.getLineNumber() + ", column " + location.getColumnNumber() + ")";
  }

  private static void close(XMLStreamReader reader) {
    if (reader != null) {
      try {
        reader.close();
      } catch (XMLStreamException e) {
        // nothing to release beyond the reader itself
      }
    }
  }
}
