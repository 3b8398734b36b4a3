package io.bastion.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Who is calling, as a verified bearer token says: the subject ({@code sub}), the FHIR user resource
 * ({@code fhirUser}), the OAuth client ({@code client_id}, else {@code azp}), the granted SMART scopes
 * ({@code scope}, space-separated; or {@code scp}, a list), the launch patient ({@code patient}) and
 * roles ({@code roles}). Stored in the routing context by {@link BearerAuthenticationHandler}.
 *
 * @param patient the patient context (a Patient id), or null when the token has none
 */
public record Principal(String subject, String fhirUser, String clientId, SmartScopes scopes, String patient,
    Set<String> roles, String issuer, Instant expiresAt) {

  private static final String KEY = "bastion.auth.principal";
  static final int MAX_ROLES = 64;

  public Principal {
    roles = Set.copyOf(roles);
  }

  /** The principal of this request, or null before (or without) authentication. */
  public static Principal of(RoutingContext ctx) {
    return ctx.get(KEY);
  }

  void attach(RoutingContext ctx) {
    ctx.put(KEY, this);
  }

  public boolean hasRole(String role) {
    return roles.contains(role);
  }

  /** Reads a principal out of verified claims; the caller has already checked sub, iss and exp. */
  static Principal fromClaims(JsonObject claims, Instant expiresAt) {
    SmartScopes scopes;
    Object scope = claims.getValue("scope");
    Object scp = claims.getValue("scp");
    if (scope instanceof String text) {
      scopes = SmartScopes.parse(text);
    } else if (scp instanceof JsonArray list) {
      scopes = SmartScopes.of(strings(list));
    } else if (scp instanceof String text) {
      scopes = SmartScopes.parse(text);
    } else {
      scopes = SmartScopes.NONE;
    }
    Set<String> roles = new LinkedHashSet<>();
    Object claimed = claims.getValue("roles");
    if (claimed instanceof JsonArray list) {
      roles.addAll(strings(list));
    } else if (claimed instanceof String text && !text.isBlank()) {
      roles.addAll(List.of(text.trim().split("\\s+")));
    }
    String clientId = text(claims, "client_id");
    if (clientId == null) {
      clientId = text(claims, "azp");
    }
    return new Principal(text(claims, "sub"), text(claims, "fhirUser"), clientId, scopes, text(claims, "patient"),
        roles.size() > MAX_ROLES ? Set.copyOf(new ArrayList<>(roles).subList(0, MAX_ROLES)) : roles,
        text(claims, "iss"), expiresAt);
  }

  private static String text(JsonObject claims, String name) {
    Object value = claims.getValue(name);
    return value instanceof String s && !s.isEmpty() ? s : null;
  }

  private static List<String> strings(JsonArray list) {
    List<String> out = new ArrayList<>();
    for (Object item : list) {
      if (item instanceof String s && !s.isEmpty() && out.size() < SmartScopes.MAX_SCOPES) {
        out.add(s);
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "Principal[subject=" + subject + ", clientId=" + clientId + ", patient=" + (patient == null ? "-" : "<set>")
        + ", scopes=" + scopes + ", roles=" + roles + "]";
  }
}
