package io.bastion.security;

/** Event-bus addresses of the security capability, the headers their commands carry, and failure codes. */
public final class SecurityAddresses {

  public static final String BLOCK = "bastion.security.block";
  public static final String UNBLOCK = "bastion.security.unblock";
  /** WAF status: mode, rules, files, disabled rules, blocks per minute, top rules and tags, recent events. */
  public static final String STATUS = "bastion.security.status";
  /** Re-reads waf.rules, compiles on a worker, swaps atomically; a broken file keeps the running set. */
  public static final String RULES_RELOAD = "bastion.security.rules.reload";
  /** {@code {"id": 942100, "disabled": true|false}}: switches one rule off (or back on) at runtime. */
  public static final String RULES_DISABLE = "bastion.security.rules.disable";
  /** {@code {"mode": "off"|"detection-only"|"on"}}: the WAF mode at runtime. */
  public static final String WAF_MODE = "bastion.security.waf.mode";
  /** Published by the gateway, fire-and-forget, batched downstream. */
  public static final String EVENT = "bastion.security.event";
  public static final String BLOCKLIST_CHANGED = "bastion.security.blocklist.changed";

  /**
   * Who sent a command, set by the admin API (the signed-in user) or the ctl bridge (the token), which drop
   * whatever a client put there: the security verticle audits changes under this name.
   */
  public static final String ACTOR_HEADER = "actor";
  public static final String ACTOR_ROLE_HEADER = "actor-role";
  public static final String ACTOR_IP_HEADER = "actor-ip";
  public static final String REQUEST_ID_HEADER = "request-id";

  /** Failure codes of the replies. */
  public static final int BAD_REQUEST = 400;
  public static final int NOT_FOUND = 404;
  public static final int NO_RULES = 409;
  public static final int RULES_INVALID = 422;
  public static final int AUDIT_UNAVAILABLE = 503;

  private SecurityAddresses() {
  }
}
