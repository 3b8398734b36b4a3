package io.bastion.auth;

import io.bastion.gateway.ErrorRenderer;
import io.vertx.ext.web.RoutingContext;

/**
 * The refusals of RFC 6750: 401 with {@code WWW-Authenticate: Bearer realm="bastion", error="invalid_token"}
 * for a bad token, 403 with {@code error="insufficient_scope"} for a good token without the scope. The
 * body is an OperationOutcome under /fhir and problem+json elsewhere ({@link ErrorRenderer}).
 */
public final class BearerChallenge {

  public static final String REALM = "bastion";

  private BearerChallenge() {
  }

  /** Answers a refused or missing token. */
  public static void refuse(RoutingContext ctx, TokenFailure reason, long retryAfterSeconds) {
    String header = switch (reason) {
      case MISSING -> "Bearer realm=\"" + REALM + "\"";
      case BAD_REQUEST -> challenge("invalid_request", reason.description());
      case KEYS_UNAVAILABLE, BUSY -> null; // not the token's fault: no challenge, a retry
      default -> challenge("invalid_token", reason.description());
    };
    if (header != null) {
      ctx.response().putHeader("WWW-Authenticate", header);
    }
    if (reason.status() == 503) {
      ctx.response().putHeader("Retry-After", Long.toString(Math.max(1, retryAfterSeconds)));
    }
    ErrorRenderer.render(ctx, reason.status(), reason.description());
  }

  /** Answers 403 for a valid token whose scopes do not allow the request. */
  public static void insufficientScope(RoutingContext ctx, AccessDecision decision) {
    String description = safe(decision.reason());
    ctx.response().putHeader("WWW-Authenticate", challenge("insufficient_scope", description));
    ErrorRenderer.render(ctx, 403, description);
  }

  private static String challenge(String error, String description) {
    return "Bearer realm=\"" + REALM + "\", error=\"" + error + "\", error_description=\"" + safe(description) + "\"";
  }

  /** RFC 6750 section 3: error_description is printable ASCII without '"' and '\'. */
  static String safe(String text) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), 200));
    for (int i = 0; i < text.length() && out.length() < 200; i++) {
      char c = text.charAt(i);
      out.append(c >= 0x20 && c <= 0x7e && c != '"' && c != '\\' ? c : '?');
    }
    return out.toString();
  }
}
