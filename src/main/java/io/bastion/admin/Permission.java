package io.bastion.admin;

/**
 * What a dashboard user, an admin-API caller or a ctl token may do. Roles map to permissions in
 * {@link Role}; routes, panels and bridge addresses each name the one permission they need.
 */
public enum Permission {
  OVERVIEW_VIEW("overview.view"),
  SECURITY_VIEW("security.view"),
  SECURITY_MANAGE("security.manage"),
  API_VIEW("api.view"),
  DATABASE_VIEW("database.view"),
  BACKUPS_VIEW("backups.view"),
  BACKUPS_MANAGE("backups.manage"),
  LOAD_VIEW("load.view"),
  LOAD_RUN("load.run"),
  ALERTS_VIEW("alerts.view"),
  AUDIT_VIEW("audit.view"),
  NODE_STATUS("node.status"),
  USERS_MANAGE("users.manage"),
  CTL_TOKENS_MANAGE("ctl-tokens.manage"),
  /** Registering, disabling and removing the token endpoint's API clients: admin only. */
  CLIENTS_MANAGE("clients.manage"),
  /** Writing synthetic FHIR data ({@code bastion ctl seed}): admin only. */
  FHIR_SEED("fhir.seed"),
  /** PHI encryption keys: status and rotation ({@code bastion ctl phi}): admin only. */
  PHI_KEYS_MANAGE("phi-keys.manage");

  private final String wireName;

  Permission(String wireName) {
    this.wireName = wireName;
  }

  /** The name in API replies ({@code GET /admin/api/session}'s permissions). */
  public String wireName() {
    return wireName;
  }
}
