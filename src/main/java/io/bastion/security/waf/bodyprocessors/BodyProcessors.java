package io.bastion.security.waf.bodyprocessors;

import java.util.Locale;
import java.util.Map;

/** The registry of body processors by the name {@code ctl:requestBodyProcessor} uses. */
public final class BodyProcessors {

  private final Map<String, BodyProcessor> byName;

  private BodyProcessors(Map<String, BodyProcessor> byName) {
    this.byName = byName;
  }

  public static BodyProcessors standard() {
    return new BodyProcessors(Map.of("URLENCODED", new UrlEncodedProcessor(), "JSON", new JsonProcessor(),
        "MULTIPART", new MultipartProcessor(), "XML", new XmlProcessor()));
  }

  /** The processor with that name, or null. */
  public BodyProcessor get(String name) {
    return name == null ? null : byName.get(name.toUpperCase(Locale.ROOT));
  }

  /**
   * The processor ModSecurity picks from the Content-Type alone (URLENCODED, MULTIPART), or null; JSON
   * and XML are chosen by rules ({@code ctl:requestBodyProcessor}), as in ModSecurity's recommended setup.
   */
  public static String byContentType(String contentType) {
    if (contentType == null) {
      return null;
    }
    String ct = contentType.toLowerCase(Locale.ROOT).trim();
    if (ct.startsWith("application/x-www-form-urlencoded")) {
      return "URLENCODED";
    }
    if (ct.startsWith("multipart/form-data")) {
      return "MULTIPART";
    }
    return null;
  }
}
