package io.bastion.auth;

import io.bastion.gateway.RequestContext;
import io.vertx.core.MultiMap;
import io.vertx.ext.auth.authorization.AuthorizationProvider;
import io.vertx.ext.auth.authorization.AuthorizationContext;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.AuthorizationHandler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pipeline step 6b, per FHIR route: asks the {@link AccessPolicy} whether the request's principal may
 * perform this route's interaction on the path's {@code :type} (with the query's type-naming
 * parameters), stores the {@link AccessDecision} for the handler (compartment, restrictions) or answers
 * 403 {@code insufficient_scope}. An {@link AuthorizationHandler}, so the router refuses it before
 * authentication. Scopes come from the token alone: Vert.x authorization providers are not used.
 */
public final class SmartScopeHandler implements AuthorizationHandler {

  private static final Logger LOG = LoggerFactory.getLogger(SmartScopeHandler.class);

  private final AccessPolicy policy;
  private final Interaction interaction;
  private final String fixedType;
  private final boolean restrictionsEnforced;
  private final boolean compartmentEnforced;

  private SmartScopeHandler(AccessPolicy policy, Interaction interaction, String fixedType, boolean restrictionsEnforced,
      boolean compartmentEnforced) {
    this.policy = policy;
    this.interaction = interaction;
    this.fixedType = fixedType;
    this.restrictionsEnforced = restrictionsEnforced;
    this.compartmentEnforced = compartmentEnforced;
  }

  /**
   * For routes whose handler confines results to the patient's compartment ({@link AccessDecision#patient()})
   * but not (yet) to a scope's {@code ?param=value} restrictions: restricted decisions are refused.
   */
  public static SmartScopeHandler requireCompartment(AccessPolicy policy, Interaction interaction) {
    return new SmartScopeHandler(policy, interaction, null, false, true);
  }

  /** For routes with a {@code :type} path parameter, or system-level routes without one. */
  public static SmartScopeHandler require(AccessPolicy policy, Interaction interaction) {
    return new SmartScopeHandler(policy, interaction, null, true, true);
  }

  /** For routes of one resource type (Patient/:id/$everything). */
  public static SmartScopeHandler require(AccessPolicy policy, Interaction interaction, String resourceType) {
    return new SmartScopeHandler(policy, interaction, resourceType, true, true);
  }

  /**
   * For routes of one type whose handler confines nothing (AuditEvent): patient-compartment and restricted
   * decisions are refused.
   */
  public static SmartScopeHandler requireUnconfined(AccessPolicy policy, Interaction interaction, String resourceType) {
    return new SmartScopeHandler(policy, interaction, resourceType, false, false);
  }

  @Override
  public void handle(RoutingContext ctx) {
    Principal principal = Principal.of(ctx);
    if (principal == null && interaction != Interaction.CAPABILITIES) {
      BearerChallenge.refuse(ctx, TokenFailure.MISSING, 0);
      return;
    }
    String type = fixedType != null ? fixedType : ctx.pathParam("type");
    AccessDecision decision = policy.decide(principal, interaction, type, params(ctx.queryParams()));
    if (decision.allowed() && ((!compartmentEnforced && decision.compartmentRestricted())
        || (!restrictionsEnforced && !decision.restrictions().isEmpty()))) {
      decision = AccessDecision.deny("this interaction cannot yet be confined to a patient compartment or to "
          + "scope restrictions; use a user/ or system/ scope without restrictions");
    }
    if (!decision.allowed()) {
      RequestContext request = RequestContext.of(ctx);
      LOG.info("request {} refused for client {}: {}", request == null ? "-" : request.requestId(),
          principal.clientId(), decision.reason());
      BearerChallenge.insufficientScope(ctx, decision);
      return;
    }
    decision.attach(ctx);
    ctx.next();
  }

  private static Map<String, List<String>> params(MultiMap query) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String name : query.names()) {
      out.put(name, query.getAll(name));
    }
    return out;
  }

  @Override
  public AuthorizationHandler addAuthorizationProvider(AuthorizationProvider provider) {
    throw new UnsupportedOperationException("SMART scopes come from the token; no authorization provider is used");
  }

  @Override
  public AuthorizationHandler variableConsumer(BiConsumer<RoutingContext, AuthorizationContext> handler) {
    throw new UnsupportedOperationException("SMART scopes take no variables");
  }
}
