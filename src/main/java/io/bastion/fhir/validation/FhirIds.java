package io.bastion.fhir.validation;

/**
 * The R4 {@code id} datatype: 1 to 64 characters of A-Z, a-z, 0-9, '-' and '.'. Checked by hand rather than
 * by a regular expression because every read, vread, update and audited record checks one or more ids, and
 * {@code java.util.regex} cost several times this loop there.
 */
public final class FhirIds {

  public static final int MAX_LENGTH = 64;

  private FhirIds() {
  }

  public static boolean isValid(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
      if (!allowed) {
        return false;
      }
    }
    return true;
  }
}
