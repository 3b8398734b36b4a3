package io.bastion.auth;

import io.bastion.auth.SmartScope.Permission;
import java.util.EnumSet;
import java.util.Set;

/** The FHIR interactions that authorisation decides on, each with the SMART v2 permissions it needs. */
public enum Interaction {
  READ(Permission.READ),
  VREAD(Permission.READ),
  /** GET [type]/[id]/_history */
  HISTORY_INSTANCE(Permission.READ),
  /** GET [type]/_history, or GET /_history with a null resource type */
  HISTORY(Permission.SEARCH),
  /** GET [type]?..., or a system-level search with a null resource type (then _type narrows it) */
  SEARCH(Permission.SEARCH),
  CREATE(Permission.CREATE),
  UPDATE(Permission.UPDATE),
  PATCH(Permission.UPDATE),
  DELETE(Permission.DELETE),
  /** The Bundle envelope; every entry is decided on its own interaction. */
  BATCH(),
  /** The Bundle envelope; every entry is decided on its own, and one refused entry refuses all. */
  TRANSACTION(),
  /** Patient/[id]/$everything: read and search on Patient; each returned resource is filtered by type. */
  EVERYTHING(Permission.READ, Permission.SEARCH),
  /** $export (system, Patient or Group level): read and search, user or system scopes only. */
  EXPORT(Permission.READ, Permission.SEARCH),
  /** GET /metadata: public, as SMART clients need it before they hold a token. */
  CAPABILITIES();

  private final Set<Permission> needs;

  Interaction(Permission... needs) {
    this.needs = needs.length == 0 ? Set.of() : Set.copyOf(EnumSet.of(needs[0], needs));
  }

  public Set<Permission> needs() {
    return needs;
  }

  public boolean writes() {
    return this == CREATE || this == UPDATE || this == PATCH || this == DELETE;
  }
}
