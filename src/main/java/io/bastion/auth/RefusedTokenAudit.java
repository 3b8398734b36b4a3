package io.bastion.auth;

import io.bastion.audit.AuditCodes;
import io.bastion.audit.AuditRecord;
import io.bastion.audit.AuditRecord.Entity;
import io.bastion.audit.AuditTrail;
import io.bastion.gateway.RequestContext;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Records a refused bearer token (401) in the audit trail: a failed User Authentication (110114 / Login,
 * outcome 4) with the reason code, the client's address and what the request aimed at, so that "who tried
 * to reach patient X" includes attempts that never got past authentication.
 * <p>
 * Nothing from the token itself is recorded: its claims are unverified, attacker-chosen text. The target
 * comes from the path alone ({@code /fhir/Type/id...}; the patient when the type is Patient), never from
 * the query string or body, and no database is read to find a resource's patient.
 */
public final class RefusedTokenAudit {

  /** Who presented the token: unknown, since nothing in a refused token can be trusted. */
  static final String UNAUTHENTICATED = "unauthenticated";

  private static final Pattern TYPE = Pattern.compile("[A-Z][A-Za-z]{1,63}");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

  private final AuditTrail trail;
  private final String node;
  private final Clock clock;

  public RefusedTokenAudit(AuditTrail trail, String node, Clock clock) {
    this.trail = trail;
    this.node = node;
    this.clock = clock;
  }

  /** Appends the record; completes on the caller's context once it is safely queued, or fails. */
  Future<Void> record(RoutingContext ctx, TokenFailure reason) {
    RequestContext request = RequestContext.of(ctx);
    String address = request == null ? ctx.request().remoteAddress().hostAddress() : request.clientIp();
    AuditRecord record = new AuditRecord(AuditCodes.USER_AUTHENTICATION, AuditCodes.LOGIN, AuditRecord.Action.E,
        clock.instant(), AuditRecord.Outcome.MINOR_FAILURE, "bearer token refused: " + reason.code(),
        List.of(new AuditRecord.Agent(AuditCodes.AGENT_APPLICATION, UNAUTHENTICATED, null, true, address)),
        node, targets(ctx.normalizedPath()), request == null ? null : request.requestId());
    return trail.append(record);
  }

  /** The resource a FHIR path names ({@code /fhir/Type/id}, also under it), and its patient for Patient. */
  static List<Entity> targets(String path) {
    if (path == null || !path.startsWith("/fhir/")) {
      return List.of();
    }
    String[] segments = path.substring("/fhir/".length()).split("/", 4);
    if (segments.length < 2 || !TYPE.matcher(segments[0]).matches() || !ID.matcher(segments[1]).matches()) {
      return List.of();
    }
    List<Entity> entities = new ArrayList<>(2);
    entities.add(Entity.resource(segments[0] + "/" + segments[1]));
    if (segments[0].equals("Patient")) {
      entities.add(Entity.patient(segments[1]));
    }
    return entities;
  }
}
