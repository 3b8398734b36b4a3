package io.bastion.audit;

import io.bastion.config.ConfigReader;

/**
 * What is audited ({@code audit.*}), and how often the writer commits. Sign-ins, administrators' changes, rule
 * and key changes are always audited; FHIR interactions are unless {@code audit.fhir-interactions} is false,
 * which exists to measure what auditing costs and for non-clinical test installations: a node that turns it
 * off says so loudly at start-up.
 *
 * @param flushIntervalMs {@code audit.flush-interval-ms}: see {@link AuditConfig#flushIntervalMs()}
 */
public record AuditSettings(boolean fhirInteractions, long flushIntervalMs) {

  public static AuditSettings read(ConfigReader r) {
    return new AuditSettings(r.bool("audit.fhir-interactions"), r.longValue("audit.flush-interval-ms", 0, 1000));
  }
}
