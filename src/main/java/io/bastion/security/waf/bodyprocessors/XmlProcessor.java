package io.bastion.security.waf.bodyprocessors;

import io.bastion.security.waf.variables.KeyedValues;
import io.bastion.security.waf.variables.Variable;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParser;
import javax.xml.parsers.SAXParserFactory;
import org.xml.sax.Attributes;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * {@code XML}: parses the body with a SAX parser that never fetches anything (no external entities, no
 * external DTDs: the parser cannot itself be an XXE victim) and fills the XML collection the way the CRS
 * reads it: {@code XML:/*} is all text content, {@code XML://@*} each attribute value. A malformed
 * document is a parse error (REQBODY_ERROR).
 *
 * <p>Entity expansion is capped far below the JDK's own limits (64,000 expansions): this runs on the event loop
 * before any rule, and under the JDK's limits a 500-byte "billion laughs" body took 130-330 ms of it to refuse.
 * A document that expands more entities, or more entity text, than the caps is a parse error.
 */
public final class XmlProcessor implements BodyProcessor {

  /** Entity references expanded per document; FHIR XML and ordinary API payloads use none. */
  static final int MAX_ENTITY_EXPANSIONS = 100;
  /** Characters of entity text expanded per document: a few expansions of a large entity stay small too. */
  static final int MAX_ENTITY_CHARS = 100_000;
  private static final String EXPANSION_LIMIT = String.valueOf(MAX_ENTITY_EXPANSIONS);
  private static final String ENTITY_SIZE_LIMIT = String.valueOf(MAX_ENTITY_CHARS);
  private static final SAXParserFactory FACTORY = factory();
  /** A parser per thread, reset after each document: building one costs more than parsing a small body. */
  private static final ThreadLocal<SAXParser> PARSERS = ThreadLocal.withInitial(XmlProcessor::newParser);

  private static SAXParserFactory factory() {
    SAXParserFactory f = SAXParserFactory.newInstance();
    f.setNamespaceAware(false);
    try {
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setFeature("http://xml.org/sax/features/external-general-entities", false);
      f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    } catch (ParserConfigurationException | SAXException e) {
      throw new IllegalStateException("the JDK's SAX parser supports these features", e);
    }
    return f;
  }

  private static SAXParser newParser() {
    try {
      return FACTORY.newSAXParser();
    } catch (ParserConfigurationException | SAXException e) {
      throw new IllegalStateException("the JDK's SAX parser supports these features", e);
    }
  }

  /** Sets the caps before every document: reset() returns a parser to the factory's settings, without them. */
  private static SAXParser limited(SAXParser parser) {
    try {
      parser.setProperty("jdk.xml.entityExpansionLimit", EXPANSION_LIMIT);
      parser.setProperty("jdk.xml.totalEntitySizeLimit", ENTITY_SIZE_LIMIT);
      return parser;
    } catch (SAXException e) {
      throw new IllegalStateException("the JDK's SAX parser supports these limits", e);
    }
  }

  @Override
  public void process(String body, String contentType, BodyContext ctx) throws BodyParseException {
    StringBuilder text = new StringBuilder();
    KeyedValues xml = ctx.collection(Variable.XML);
    SAXParser parser = limited(PARSERS.get());
    try {
      parser.parse(new InputSource(new ByteArrayInputStream(body.getBytes(StandardCharsets.ISO_8859_1))),
          new DefaultHandler() {
            @Override
            public void startElement(String uri, String local, String qName, Attributes atts) {
              for (int i = 0; i < atts.getLength(); i++) {
                xml.add("//@*", bytes(atts.getValue(i)));
              }
            }

            @Override
            public void characters(char[] ch, int start, int length) {
              text.append(ch, start, length);
            }

            @Override
            public InputSource resolveEntity(String publicId, String systemId) {
              return new InputSource(new ByteArrayInputStream(new byte[0]));
            }
          });
    } catch (SAXException | IOException e) {
      throw new BodyParseException("XML parse error: " + e.getMessage());
    } finally {
      parser.reset(); // drops the document's state (and the handler) before the thread's next body
    }
    xml.add("/*", bytes(text.toString()));
  }

  private static String bytes(String s) {
    return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }
}
