package io.bastion.security;

import io.bastion.audit.AuditCodes;
import io.bastion.audit.AuditRecord;
import io.bastion.audit.AuditTrail;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import java.time.Clock;
import java.util.List;

/**
 * Records WAF operations in the audit trail as Application Activity events (configuration and rule
 * changes), in the shape of the other admin actions: the actor (dashboard user, ctl token or signal) with
 * role and address, the action as an {@link AuditCodes#adminAction} subtype ({@code waf.mode},
 * {@code waf.rule-disable}, {@code waf.rule-enable}, {@code waf.rules-reload}) and what it changed as the
 * entity ({@code waf-mode/on}, {@code waf-rule/942100}, {@code waf-rules}).
 */
final class WafChangeAudit {

  /** Who asked, from the headers the admin API or the ctl bridge set (never from the client). */
  record Actor(String who, String role, String address, String requestId) {

    static final Actor SIGHUP = new Actor("signal:SIGHUP", null, null, null);

    static Actor of(Message<?> m) {
      String who = m.headers().get(SecurityAddresses.ACTOR_HEADER);
      return new Actor(who == null || who.isBlank() ? "unknown" : who, m.headers().get(SecurityAddresses.ACTOR_ROLE_HEADER),
          m.headers().get(SecurityAddresses.ACTOR_IP_HEADER), m.headers().get(SecurityAddresses.REQUEST_ID_HEADER));
    }
  }

  private final AuditTrail trail;
  private final String node;
  private final Clock clock;

  /** A null trail audits nothing (unit tests of the verticle without a database). */
  WafChangeAudit(AuditTrail trail, String node, Clock clock) {
    this.trail = trail;
    this.node = node;
    this.clock = clock;
  }

  Future<Void> modeChanged(Actor actor, String mode) {
    return append(actor, "waf.mode", "waf-mode/" + mode, AuditRecord.Outcome.SUCCESS, null);
  }

  Future<Void> ruleToggled(Actor actor, int id, boolean disabled) {
    return append(actor, disabled ? "waf.rule-disable" : "waf.rule-enable", "waf-rule/" + id,
        AuditRecord.Outcome.SUCCESS, null);
  }

  Future<Void> reloaded(Actor actor, int rules) {
    return append(actor, "waf.rules-reload", "waf-rules", AuditRecord.Outcome.SUCCESS, null);
  }

  Future<Void> reloadFailed(Actor actor, int problems) {
    return append(actor, "waf.rules-reload", "waf-rules", AuditRecord.Outcome.MINOR_FAILURE,
        problems + " problem(s) in waf.rules; the running set stays");
  }

  private Future<Void> append(Actor actor, String code, String entity, AuditRecord.Outcome outcome, String reason) {
    if (trail == null) {
      return Future.succeededFuture();
    }
    return trail.append(new AuditRecord(AuditCodes.APPLICATION_ACTIVITY, AuditCodes.adminAction(code),
        AuditRecord.Action.U, clock.instant(), outcome, reason,
        List.of(new AuditRecord.Agent(AuditCodes.AGENT_USER, actor.who(), actor.role(), true, actor.address())),
        node, List.of(new AuditRecord.Entity(entity, AuditCodes.ENTITY_SYSTEM_OBJECT, null, null)), actor.requestId()));
  }
}
