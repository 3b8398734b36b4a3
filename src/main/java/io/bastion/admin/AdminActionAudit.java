package io.bastion.admin;

import io.bastion.audit.AuditCodes;
import io.bastion.audit.AuditRecord;
import io.bastion.audit.AuditTrail;
import io.bastion.gateway.ErrorRenderer;
import io.bastion.gateway.RequestContext;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records what administrators change — accounts, roles, passwords, second factors, ctl tokens — in the
 * audit trail before the change is answered: the acting user (name, roles, address), what was changed
 * (entity such as {@code admin-user/7}) and the action code (subtype {@code user.create}, …). Never a
 * password, token or secret.
 */
final class AdminActionAudit {

  private static final Logger LOG = LoggerFactory.getLogger(AdminActionAudit.class);

  private final Clock clock;
  private AuditTrail trail;
  private String node;

  AdminActionAudit(Clock clock) {
    this.clock = clock;
  }

  void to(AuditTrail trail, String node) {
    this.trail = trail;
    this.node = node;
  }

  /**
   * Appends the record, then runs {@code answer}. If the trail cannot take it, answers 503 saying the change
   * was made but not recorded, so the administrator knows to check.
   */
  void record(RoutingContext ctx, AuditRecord.Action action, String code, String entity, Runnable answer) {
    if (trail == null) {
      answer.run();
      return;
    }
    AdminUser actor = AdminGuards.currentUser(ctx);
    RequestContext request = RequestContext.of(ctx);
    AuditRecord record = new AuditRecord(AuditCodes.ADMIN_CHANGE, AuditCodes.adminAction(code), action, clock.instant(),
        AuditRecord.Outcome.SUCCESS, null,
        List.of(new AuditRecord.Agent(AuditCodes.AGENT_USER, actor.username(), String.join(" ", actor.roleNames()), true,
            AdminRoutes.clientIp(ctx))), node,
        List.of(new AuditRecord.Entity(entity, AuditCodes.ENTITY_SYSTEM_OBJECT, null, null)),
        request == null ? null : request.requestId());
    trail.append(record).onComplete(done -> {
      if (done.succeeded()) {
        answer.run();
      } else {
        LOG.error("audit append failed for admin action {} on {}", code, entity);
        ErrorRenderer.render(ctx, 503, "the change was made but the audit trail is unavailable to record it");
      }
    });
  }
}
