package io.bastion.admin;

import static io.bastion.admin.Permission.*;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The roles and what each may do: the one role → permission table of Bastion's admin plane, and the
 * dashboard panel → permission table next to it. Admin API routes, dashboard panels, SockJS bridge
 * addresses and ctl commands all ask this class.
 */
public enum Role {
  /** Everything, including users and ctl tokens. MFA required. */
  ADMIN("admin", true, EnumSet.allOf(Permission.class)),
  /** Security and audit: WAF, bans, the audit trail. MFA required. */
  SECURITY_OFFICER("security-officer", true, EnumSet.of(OVERVIEW_VIEW, SECURITY_VIEW, SECURITY_MANAGE, ALERTS_VIEW,
      AUDIT_VIEW, NODE_STATUS)),
  /** Running the platform: API, database, backups, load tests. MFA optional. */
  OPS("ops", false, EnumSet.of(OVERVIEW_VIEW, API_VIEW, DATABASE_VIEW, BACKUPS_VIEW, BACKUPS_MANAGE, LOAD_VIEW, LOAD_RUN,
      ALERTS_VIEW, NODE_STATUS)),
  /** Read-only health: overview, API and database figures, alerts. MFA optional. */
  VIEWER("viewer", false, EnumSet.of(OVERVIEW_VIEW, API_VIEW, DATABASE_VIEW, ALERTS_VIEW, NODE_STATUS));

  /** Dashboard panel (the {@code data-panel} name in index.html) → the permission that shows it. */
  public static final Map<String, Permission> PANELS = panels();

  private final String wireName;
  private final boolean mfaRequired;
  private final Set<Permission> permissions;

  Role(String wireName, boolean mfaRequired, Set<Permission> permissions) {
    this.wireName = wireName;
    this.mfaRequired = mfaRequired;
    this.permissions = permissions;
  }

  public String wireName() {
    return wireName;
  }

  public boolean mfaRequired() {
    return mfaRequired;
  }

  public boolean may(Permission permission) {
    return permissions.contains(permission);
  }

  public static Optional<Role> byName(String name) {
    return Arrays.stream(values()).filter(role -> role.wireName.equals(name)).findFirst();
  }

  /** The union of the roles' permissions. */
  public static Set<Permission> permissionsOf(Collection<Role> roles) {
    Set<Permission> all = EnumSet.noneOf(Permission.class);
    roles.forEach(role -> all.addAll(role.permissions));
    return all;
  }

  /** Whether any of the roles needs a second factor. */
  public static boolean mfaRequired(Collection<Role> roles) {
    return roles.stream().anyMatch(Role::mfaRequired);
  }

  /** Names of the panels these roles may open, in dashboard order. */
  public static List<String> panelsOf(Collection<Role> roles) {
    Set<Permission> granted = permissionsOf(roles);
    return PANELS.entrySet().stream().filter(e -> granted.contains(e.getValue())).map(Map.Entry::getKey).toList();
  }

  private static Map<String, Permission> panels() {
    Map<String, Permission> panels = new LinkedHashMap<>();
    panels.put("overview", OVERVIEW_VIEW);
    panels.put("security", SECURITY_VIEW);
    panels.put("api", API_VIEW);
    panels.put("database", DATABASE_VIEW);
    panels.put("backups", BACKUPS_VIEW);
    panels.put("load", LOAD_VIEW);
    panels.put("alerts", ALERTS_VIEW);
    panels.put("audit", AUDIT_VIEW);
    panels.put("users", USERS_MANAGE);
    panels.put("clients", CLIENTS_MANAGE);
    return Collections.unmodifiableMap(panels);
  }
}
