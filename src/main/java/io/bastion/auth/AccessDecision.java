package io.bastion.auth;

import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;

/**
 * The answer of {@link AccessPolicy#decide}. When allowed, it may still narrow what the FHIR layer
 * returns: to one patient's compartment, and/or to resources matching search-parameter restrictions.
 *
 * @param reason       why, naming the granting scope or what was missing (for logs and the 403 text)
 * @param patient      when non-null, only this patient's compartment may be read or written
 * @param restrictions when non-empty, a resource must match at least one of these (each a set of
 *                     search parameters that must all match, as in FHIR search); empty means no restriction
 */
public record AccessDecision(boolean allowed, String reason, String patient, List<Map<String, List<String>>> restrictions) {

  private static final String KEY = "bastion.auth.decision";

  public AccessDecision {
    restrictions = List.copyOf(restrictions);
  }

  static AccessDecision allow(String reason) {
    return new AccessDecision(true, reason, null, List.of());
  }

  static AccessDecision deny(String reason) {
    return new AccessDecision(false, reason, null, List.of());
  }

  /** True when results must be limited to {@link #patient()}'s compartment. */
  public boolean compartmentRestricted() {
    return patient != null;
  }

  /** The decision that let this request through, or null when none was taken. */
  public static AccessDecision of(RoutingContext ctx) {
    return ctx.get(KEY);
  }

  void attach(RoutingContext ctx) {
    ctx.put(KEY, this);
  }
}
