package io.bastion.security.waf.bodyprocessors;

/**
 * Parses a request body into variables. Bodies are handled as byte strings (one char per byte), so
 * names and values reach operators exactly as their bytes were sent.
 */
public interface BodyProcessor {

  /**
   * @param body        the body bytes as an ISO-8859-1 string
   * @param contentType the Content-Type header, or null
   */
  void process(String body, String contentType, BodyContext ctx) throws BodyParseException;
}
