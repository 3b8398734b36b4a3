package io.bastion.fhir.phi;

import io.bastion.fhir.JsonText;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * What the FHIR store and search need from PHI encryption at rest: resources are concealed before they
 * are written and revealed after they are read; token index rows of identifiers and contact points hold
 * blind indexes instead of values; the date index rows of encrypted dates (birthDate) are shifted by a
 * secret number of days, so range search and sorting still work without the dates being readable.
 * {@link #NONE} when encryption is off.
 */
public interface PhiProtection {

  /** A copy of the resource with the configured elements encrypted, bound to its type and id. */
  JsonObject conceal(String type, String id, JsonObject resource);

  /**
   * {@link #conceal} written straight as JSON text (what the store sends): the same values sealed, the same
   * refusals, without the copy. This default encodes the concealed copy.
   */
  default String concealText(String type, String id, JsonObject resource) {
    return JsonText.encode(conceal(type, id, resource));
  }

  /** The stored JSON text with every encrypted value replaced by its plaintext. */
  String reveal(String type, String id, String storedJson);

  /** True when identifier and contact-point values are indexed as blind indexes. */
  boolean blindsTokens();

  /** The blind index of an identifier or contact-point value (only when {@link #blindsTokens()}). */
  String blind(String value);

  /** True when an element of this name is sealed somewhere: its text must not reach the string index. */
  boolean seals(String elementName);

  /** True when the date index of an element reached by this FHIRPath expression is shifted. */
  boolean shiftsDates(String expression);

  /** The shift applied to those dates (zero when nothing is shifted). */
  Duration dateShift();

  PhiProtection NONE = new PhiProtection() {
    @Override
    public JsonObject conceal(String type, String id, JsonObject resource) {
      return resource;
    }

    @Override
    public String reveal(String type, String id, String storedJson) {
      return storedJson;
    }

    @Override
    public boolean blindsTokens() {
      return false;
    }

    @Override
    public String blind(String value) {
      return value;
    }

    @Override
    public boolean seals(String elementName) {
      return false;
    }

    @Override
    public boolean shiftsDates(String expression) {
      return false;
    }

    @Override
    public Duration dateShift() {
      return Duration.ZERO;
    }
  };
}
