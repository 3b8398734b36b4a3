package io.bastion.auth.server;

import io.bastion.auth.SmartScope;
import io.bastion.auth.SmartScopes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The scopes a token gets: all the client's granted scopes when it asks for none, else exactly what it
 * asks for, provided each requested scope is within one granted scope — same context, a covered type,
 * no permission letter more, and every restriction of the granted scope kept. Anything else (an
 * unparseable scope, {@code user/} or {@code patient/}, {@code openid}, a broader scope) is invalid_scope.
 */
final class ScopeGrant {

  /** Requests with more scopes than this are refused whole. */
  static final int MAX_REQUESTED = 50;

  private ScopeGrant() {
  }

  static List<String> decide(String requested, List<String> granted) {
    if (requested == null || requested.isBlank()) {
      return granted;
    }
    List<String> texts = List.of(requested.trim().split(" +"));
    SmartScopes parsed = SmartScopes.of(texts);
    SmartScopes grants = SmartScopes.of(granted);
    if (texts.size() > MAX_REQUESTED || parsed.resourceScopes().size() != texts.size()) {
      throw OAuthError.of(OAuthError.INVALID_SCOPE, "only SMART system scopes within the client's grant can be requested");
    }
    List<String> out = new ArrayList<>();
    for (SmartScope scope : parsed.resourceScopes()) {
      if (grants.resourceScopes().stream().noneMatch(grant -> within(scope, grant))) {
        throw OAuthError.of(OAuthError.INVALID_SCOPE, "a requested scope is not within the client's grant");
      }
      if (!out.contains(scope.text())) {
        out.add(scope.text());
      }
    }
    return out;
  }

  static boolean within(SmartScope asked, SmartScope grant) {
    if (asked.context() != grant.context() || !grant.covers(asked.resourceType())) {
      return false;
    }
    if ((asked.permissions() & ~grant.permissions()) != 0 || asked.permissions() == 0) {
      return false;
    }
    for (Map.Entry<String, List<String>> restriction : grant.restrictions().entrySet()) {
      List<String> kept = asked.restrictions().get(restriction.getKey());
      if (kept == null || !restriction.getValue().containsAll(kept)) {
        return false;
      }
    }
    return true;
  }
}
