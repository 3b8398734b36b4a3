package io.bastion.fhir.store;

import java.util.Set;

/**
 * An If-None-Match precondition on a PUT (RFC 9110 13.1.2): the write is refused when the resource's current
 * version is one the condition names. {@code *} names any live version, so a PUT under it only creates; a
 * deleted resource has no current representation, so it may be re-created under {@code *} too. Comparison is
 * weak, as If-None-Match's always is: {@code "3"} and {@code W/"3"} name the same version (the FHIR routes read
 * it: {@code FhirHeaders.noneMatch}).
 */
public record NoneMatch(boolean any, Set<Integer> versions) {

  public NoneMatch {
    versions = Set.copyOf(versions);
  }

  /** Whether a resource at this version (deleted or not) fails the condition. */
  public boolean refuses(int currentVersion, boolean deleted) {
    return !deleted && (any || versions.contains(currentVersion));
  }

  /** Why a write was refused, for the OperationOutcome. */
  String refusal(int currentVersion) {
    return any ? "If-None-Match: * allows only a create, and the resource exists (version " + currentVersion + ")"
        : "If-None-Match names version " + currentVersion + ", the current version";
  }
}
