package io.bastion.fhir.search;

import java.util.Locale;

/** The R4 search parameter types that this server indexes; each but composite has its own index table. */
public enum SearchParamType {
  STRING, TOKEN, DATE, REFERENCE, NUMBER, QUANTITY, URI, COMPOSITE;

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  static SearchParamType of(String code) {
    return valueOf(code.toUpperCase(Locale.ROOT));
  }
}
