package io.bastion.admin;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Session;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * What a dashboard session holds, and its stages. A session exists from the password step on; only the
 * {@link #FULL} stage carries a Vert.x user, so the SockJS bridge and every data route see nobody until
 * the second factor (or the first-login enrolment) is done.
 */
final class AdminSession {

  static final String USER_ID = "bastion.uid";
  static final String USERNAME = "bastion.username";
  static final String STAGE = "bastion.stage";
  static final String CSRF = "bastion.csrf";
  static final String SIGNED_IN_AT = "bastion.since";

  /** Password accepted, TOTP or recovery code expected next. */
  static final String MFA = "mfa-required";
  /** Password accepted, the role requires MFA and none is enrolled: the session may only enrol. */
  static final String ENROL = "mfa-enrolment-required";
  static final String FULL = "signed-in";

  static final String CSRF_HEADER = "X-CSRF-Token";

  private AdminSession() {
  }

  /** Starts a new stage-one session: fresh id (no fixation), fresh CSRF token, absolute clock started. */
  static void begin(Session session, AdminUser user, String stage, long nowMillis, SecureRandom random) {
    session.regenerateId();
    byte[] token = new byte[32];
    random.nextBytes(token);
    session.put(USER_ID, user.id());
    session.put(USERNAME, user.username());
    session.put(STAGE, stage);
    // hex, not base64url: a random '--' in the token read as an SQL comment to the WAF now and then
    session.put(CSRF, HexFormat.of().formatHex(token));
    session.put(SIGNED_IN_AT, nowMillis);
  }

  static String stage(Session session) {
    return session == null ? null : session.get(STAGE);
  }

  static Long userId(Session session) {
    return session == null ? null : session.get(USER_ID);
  }

  /** The reply for a session that is not fully signed in yet. */
  static JsonObject pending(Session session) {
    return new JsonObject().put("state", stage(session)).put("username", (String) session.get(USERNAME))
        .put("csrfToken", (String) session.get(CSRF));
  }
}
