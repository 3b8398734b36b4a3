package io.bastion.fhir.search;

import io.bastion.fhir.phi.PhiProtection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** A statement being built: SQL text plus its positional parameters, so values are never spliced in. */
final class Sql {

  private final List<Object> params = new ArrayList<>();
  private final PhiProtection phi;

  Sql() {
    this(PhiProtection.NONE);
  }

  Sql(PhiProtection phi) {
    this.phi = phi;
  }

  PhiProtection phi() {
    return phi;
  }

  /**
   * {@code column = value} for a token code. With PHI encryption identifier and contact-point codes are
   * stored as blind indexes, and nothing here knows which parameter holds which: match either form.
   */
  String tokenCode(String column, String code) {
    if (!phi.blindsTokens()) {
      return column + " = " + bind(code);
    }
    return column + " = ANY(" + bind(new String[] {code, phi.blind(code)}) + ")";
  }

  /** Adds a parameter and returns its placeholder. */
  String bind(Object value) {
    params.add(value);
    return "$" + params.size();
  }

  Tuple tuple() {
    return Tuple.wrap(new ArrayList<>(params));
  }
}
