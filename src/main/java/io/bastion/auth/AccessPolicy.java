package io.bastion.auth;

import io.bastion.auth.SmartScope.Context;
import io.bastion.auth.SmartScope.Permission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * Decides whether a principal's SMART scopes allow a FHIR interaction on a resource type.
 * <p>
 * Rules, in order:
 * <ol>
 *   <li>capabilities (/metadata) are public;</li>
 *   <li>AuditEvent is read-only, and readable only with the {@value #AUDIT_ROLE} role (and a scope);</li>
 *   <li>each needed permission (c r u d s) must be granted by a scope covering the type ("*" covers all;
 *       a system-level search or history needs "*");</li>
 *   <li>patient/ scopes count only when the token has a patient context, and then confine the request to
 *       that patient's compartment; user/ and system/ scopes are not confined, and win when both grant;</li>
 *   <li>restricted v2 scopes ({@code ?category=...}) grant with the restriction, which the FHIR layer adds to
 *       the query or checks on the resource; an unrestricted grant wins; several restricted grants OR;</li>
 *   <li>$everything and $export need unrestricted grants; $export never counts patient/ scopes;</li>
 *   <li>a search's {@code _include}, {@code _revinclude}, {@code _has} and {@code _type} name further types,
 *       each of which must be readable (searchable for {@code _has}, {@code _type}).</li>
 * </ol>
 * The decision is never broader than one granted scope. The FHIR layer still filters what it returns
 * ({@code _include} without a target type, $everything, Bundle entries) with {@link #decide} per type.
 */
public final class AccessPolicy {

  public static final String AUDIT_ROLE = "security-officer";
  private static final String AUDIT_EVENT = "AuditEvent";

  public AccessDecision decide(Principal principal, Interaction interaction, String resourceType) {
    return decide(principal, interaction, resourceType, Map.of());
  }

  /**
   * @param resourceType the type in the path, or null for system-level search and history
   * @param params       the request's query parameters (only the type-naming ones are looked at)
   */
  public AccessDecision decide(Principal principal, Interaction interaction, String resourceType,
      Map<String, List<String>> params) {
    if (interaction == Interaction.CAPABILITIES) {
      return AccessDecision.allow("capabilities are public");
    }
    if (principal == null) {
      return AccessDecision.deny("no authenticated principal");
    }
    if (interaction == Interaction.BATCH || interaction == Interaction.TRANSACTION) {
      return principal.scopes().isEmpty()
          ? AccessDecision.deny("the token grants no resource scope")
          : AccessDecision.allow("each entry is decided on its own");
    }
    if (resourceType == null && (interaction == Interaction.SEARCH || interaction == Interaction.HISTORY)) {
      List<String> types = commaSeparated(params.get("_type"));
      if (!types.isEmpty()) {
        return systemSearch(principal, interaction, types, params);
      }
    }
    AccessDecision decision = decideType(principal, interaction, resourceType);
    if (decision.allowed() && interaction == Interaction.SEARCH) {
      AccessDecision refused = checkNamedTypes(principal, params);
      if (refused != null) {
        return refused;
      }
    }
    return decision;
  }

  private AccessDecision decideType(Principal principal, Interaction interaction, String type) {
    if (AUDIT_EVENT.equals(type)) {
      if (interaction.writes()) {
        return AccessDecision.deny("AuditEvent is read-only");
      }
      if (!principal.hasRole(AUDIT_ROLE)) {
        return AccessDecision.deny("AuditEvent needs the " + AUDIT_ROLE + " role");
      }
    }
    boolean wholeRecord = interaction == Interaction.EVERYTHING || interaction == Interaction.EXPORT;
    AccessDecision combined = null;
    for (Permission permission : interaction.needs()) {
      AccessDecision one = decidePermission(principal, interaction, type, permission, wholeRecord);
      if (!one.allowed()) {
        return one;
      }
      combined = combined == null ? one : narrower(combined, one);
    }
    return combined == null ? AccessDecision.deny("nothing to grant") : combined;
  }

  private AccessDecision decidePermission(Principal principal, Interaction interaction, String type,
      Permission permission, boolean wholeRecord) {
    List<SmartScope> broad = new ArrayList<>();
    List<SmartScope> patient = new ArrayList<>();
    boolean needsPatientContext = false;
    for (SmartScope scope : principal.scopes().resourceScopes()) {
      if (!scope.covers(type) || !scope.permits(permission) || (wholeRecord && scope.restricted())) {
        continue;
      }
      if (scope.context() != Context.PATIENT) {
        broad.add(scope);
      } else if (interaction == Interaction.EXPORT) {
        continue; // bulk export is for user and backend clients
      } else if (principal.patient() == null) {
        needsPatientContext = true;
      } else {
        patient.add(scope);
      }
    }
    if (broad.isEmpty() && patient.isEmpty()) {
      String what = interaction.name().toLowerCase(Locale.ROOT) + " on " + (type == null ? "all types" : type);
      return AccessDecision.deny(needsPatientContext
          ? "patient/ scopes grant " + what + " only with a patient context in the token"
          : "no scope grants " + what + " (needs '" + permission.letter() + "')");
    }
    List<SmartScope> chosen = broad.isEmpty() ? patient : broad;
    String compartment = broad.isEmpty() ? principal.patient() : null;
    for (SmartScope scope : chosen) {
      if (!scope.restricted()) {
        return new AccessDecision(true, "granted by " + scope.text(), compartment, List.of());
      }
    }
    List<Map<String, List<String>>> restrictions = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (SmartScope scope : chosen) {
      restrictions.add(scope.restrictions());
      names.add(scope.text());
    }
    return new AccessDecision(true, "granted with restrictions by " + String.join(" ", names), compartment, restrictions);
  }

  /** Two grants for the same request (e.g. r and s): the narrower compartment and restrictions apply. */
  private static AccessDecision narrower(AccessDecision a, AccessDecision b) {
    String patient = a.patient() != null ? a.patient() : b.patient();
    List<Map<String, List<String>>> restrictions = a.restrictions().isEmpty() ? b.restrictions() : a.restrictions();
    return new AccessDecision(true, a.reason() + "; " + b.reason(), patient, restrictions);
  }

  private AccessDecision systemSearch(Principal principal, Interaction interaction, List<String> types,
      Map<String, List<String>> params) {
    String patient = null;
    List<String> reasons = new ArrayList<>();
    for (String type : types) {
      AccessDecision one = decideType(principal, interaction, type);
      if (!one.allowed()) {
        return one;
      }
      if (!one.restrictions().isEmpty()) {
        return AccessDecision.deny("restricted scopes apply to type-level search only: search /fhir/" + type);
      }
      patient = patient == null ? one.patient() : patient;
      reasons.add(one.reason());
    }
    AccessDecision refused = interaction == Interaction.SEARCH ? checkNamedTypes(principal, params) : null;
    if (refused != null) {
      return refused;
    }
    return new AccessDecision(true, String.join("; ", reasons), patient, List.of());
  }

  /** _include / _revinclude / _has name other types whose data the search would reveal. */
  private AccessDecision checkNamedTypes(Principal principal, Map<String, List<String>> params) {
    for (Map.Entry<String, List<String>> param : params.entrySet()) {
      String name = param.getKey();
      if (name.startsWith("_has:")) {
        String[] parts = name.split(":");
        if (parts.length >= 2 && !decideType(principal, Interaction.SEARCH, parts[1]).allowed()) {
          return AccessDecision.deny("_has reaches " + parts[1] + ", which no scope lets this token search");
        }
        continue;
      }
      boolean include = name.equals("_include") || name.startsWith("_include:");
      boolean revinclude = name.equals("_revinclude") || name.startsWith("_revinclude:");
      if (!include && !revinclude) {
        continue;
      }
      for (String value : param.getValue()) {
        String target;
        if (value.equals("*")) {
          target = null; // every type
        } else {
          String[] parts = value.split(":");
          target = revinclude ? parts[0] : (parts.length >= 3 ? parts[2] : "");
        }
        if (target != null && target.isEmpty()) {
          continue; // target known only per result: the FHIR layer filters each included resource
        }
        AccessDecision read = decideType(principal, Interaction.READ, target);
        if (!read.allowed()) {
          return AccessDecision.deny(name + " reaches " + (target == null ? "every type" : target)
              + ", which no scope lets this token read");
        }
      }
    }
    return null;
  }

  private static List<String> commaSeparated(List<String> values) {
    List<String> out = new ArrayList<>();
    if (values != null) {
      for (String value : values) {
        for (String item : value.split(",")) {
          if (!item.isBlank()) {
            out.add(item.trim());
          }
        }
      }
    }
    return out;
  }
}
