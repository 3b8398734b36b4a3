package io.bastion.fhir.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** XXE, entity expansion, malformed and over-deep XML never reach the FHIR parser. */
class HostileXmlGuardTest {

  private final HostileXmlGuard guard = new HostileXmlGuard(20);

  @Test
  void externalEntityIsRefusedAndTheFileIsNeverRead(@TempDir Path dir) throws Exception {
    Path secret = dir.resolve("secret.txt");
    Files.writeString(secret, "TOP-SECRET");
    String xxe = "<?xml version=\"1.0\"?><!DOCTYPE Patient [<!ENTITY xxe SYSTEM \"" + secret.toUri() + "\">]>"
        + "<Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"&xxe;\"/></name></Patient>";
    XmlRejectedException refused = assertThrows(XmlRejectedException.class, () -> guard.check(xxe));
    assertEquals(400, refused.status());
    assertEquals("security", refused.issueCode());
    assertTrue(refused.getMessage().contains("DOCTYPE"), refused.getMessage());
    assertFalse(refused.getMessage().contains("TOP-SECRET"));
    // and through the whole converter: refused before HAPI's parser sees it
    FhirXmlConverter converter = new FhirXmlConverter(20);
    XmlRejectedException viaConverter = assertThrows(XmlRejectedException.class,
        () -> converter.xmlToJson(xxe.getBytes(StandardCharsets.UTF_8)));
    assertEquals("security", viaConverter.issueCode());
  }

  @Test
  void billionLaughsIsRefused() {
    StringBuilder dtd = new StringBuilder("<!DOCTYPE lolz [<!ENTITY lol \"lol\">");
    for (int i = 1; i <= 9; i++) {
      dtd.append("<!ENTITY lol").append(i).append(" \"").append(("&lol" + (i == 1 ? "" : i - 1) + ";").repeat(10))
          .append("\">");
    }
    String bomb = dtd.append("]><Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"&lol9;\"/></name></Patient>")
        .toString();
    XmlRejectedException refused = assertThrows(XmlRejectedException.class, () -> guard.check(bomb));
    assertEquals("security", refused.issueCode());
  }

  @Test
  void parameterEntitiesAndExternalDtdsAreRefused() {
    assertEquals("security", assertThrows(XmlRejectedException.class, () -> guard.check(
        "<!DOCTYPE Patient SYSTEM \"http://127.0.0.1:1/evil.dtd\"><Patient xmlns=\"http://hl7.org/fhir\"/>")).issueCode());
    assertEquals("security", assertThrows(XmlRejectedException.class, () -> guard.check(
        "<!DOCTYPE x [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]><Patient xmlns=\"http://hl7.org/fhir\"/>")).issueCode());
  }

  @Test
  void undeclaredEntityIsRefused() {
    XmlRejectedException refused = assertThrows(XmlRejectedException.class, () -> guard.check(
        "<Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"&nbsp;\"/></name></Patient>"));
    assertEquals(400, refused.status());
  }

  @Test
  void malformedIsRefusedWithItsPositionOnly() {
    XmlRejectedException refused = assertThrows(XmlRejectedException.class,
        () -> guard.check("<Patient xmlns=\"http://hl7.org/fhir\">\n<name><family value=\"Private\"></name></Patient>"));
    assertEquals(400, refused.status());
    assertEquals("invalid", refused.issueCode());
    assertTrue(refused.getMessage().contains("line 2"), refused.getMessage());
    assertFalse(refused.getMessage().contains("Private"));
    assertEquals("invalid", assertThrows(XmlRejectedException.class, () -> guard.check("")).issueCode());
    assertEquals("invalid", assertThrows(XmlRejectedException.class, () -> guard.check("not xml")).issueCode());
  }

  @Test
  void tooDeepIsRefusedAsTooCostly() {
    String deep = "<a>".repeat(21) + "</a>".repeat(21);
    XmlRejectedException refused = assertThrows(XmlRejectedException.class, () -> guard.check(deep));
    assertEquals(422, refused.status());
    assertEquals("too-costly", refused.issueCode());
    guard.check("<a>".repeat(20) + "</a>".repeat(20));
  }

  @Test
  void predefinedAndCharacterReferencesAreFine() {
    guard.check("<Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"O&apos;Brien &amp; &#233;\"/></name>"
        + "<?some-instruction?></Patient>");
  }
}
