package io.bastion.audit;

import io.bastion.config.ConfigReader;

/**
 * What is audited ({@code audit.*}). Sign-ins, administrators' changes, rule and key changes are always
 * audited; FHIR interactions are unless {@code audit.fhir-interactions} is false, which exists to measure what
 * auditing costs and for non-clinical test installations: a node that turns it off says so loudly at start-up.
 */
public record AuditSettings(boolean fhirInteractions) {

  public static AuditSettings read(ConfigReader r) {
    return new AuditSettings(r.bool("audit.fhir-interactions"));
  }
}
