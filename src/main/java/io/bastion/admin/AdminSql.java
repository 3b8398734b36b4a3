package io.bastion.admin;

/** The admin capability's SQL, in one place; every statement is parameterised. */
final class AdminSql {

  static final String COUNT_USERS = "SELECT count(*) FROM admin_user";
  /** Inserts only into an empty table, so two nodes starting together create one first admin. */
  static final String INSERT_FIRST_ADMIN = "INSERT INTO admin_user (username, password_hash, roles) "
      + "SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM admin_user)";
  private static final String USER_COLUMNS = "id, username, roles, disabled, mfa_secret, created_at, last_login_at";
  static final String FIND_BY_USERNAME = "SELECT " + USER_COLUMNS + ", password_hash FROM admin_user WHERE username = $1";
  static final String FIND_BY_ID = "SELECT " + USER_COLUMNS + " FROM admin_user WHERE id = $1";
  static final String LIST_USERS = "SELECT " + USER_COLUMNS + " FROM admin_user ORDER BY username";
  static final String INSERT_USER = "INSERT INTO admin_user (username, password_hash, roles) VALUES ($1, $2, $3) "
      + "RETURNING " + USER_COLUMNS;
  static final String SET_ROLES = "UPDATE admin_user SET roles = $2, updated_at = now() WHERE id = $1 RETURNING " + USER_COLUMNS;
  static final String SET_PASSWORD = "UPDATE admin_user SET password_hash = $2, updated_at = now() WHERE id = $1 "
      + "RETURNING " + USER_COLUMNS;
  static final String SET_DISABLED = "UPDATE admin_user SET disabled = $2, updated_at = now() WHERE id = $1 "
      + "RETURNING " + USER_COLUMNS;
  static final String COUNT_OTHER_ENABLED_ADMINS = "SELECT count(*) FROM admin_user "
      + "WHERE id <> $1 AND NOT disabled AND 'admin' = ANY (roles)";
  static final String TOUCH_LOGIN = "UPDATE admin_user SET last_login_at = now() WHERE id = $1";

  // MFA
  static final String MFA_STATE = "SELECT mfa_secret, mfa_pending_secret, mfa_last_step FROM admin_user WHERE id = $1";
  static final String SET_PENDING_SECRET = "UPDATE admin_user SET mfa_pending_secret = $2 WHERE id = $1";
  /** Moves the pending secret to the active one, only if it is still the one the code was checked against. */
  static final String CONFIRM_SECRET = "UPDATE admin_user SET mfa_secret = mfa_pending_secret, mfa_pending_secret = NULL, "
      + "mfa_last_step = $3, updated_at = now() WHERE id = $1 AND mfa_pending_secret = $2";
  /** Accepts a TOTP step only if it is later than the last one used: replay-safe across nodes. */
  static final String USE_STEP = "UPDATE admin_user SET mfa_last_step = $2 WHERE id = $1 "
      + "AND (mfa_last_step IS NULL OR mfa_last_step < $2)";
  static final String RESET_MFA = "UPDATE admin_user SET mfa_secret = NULL, mfa_pending_secret = NULL, mfa_last_step = NULL, "
      + "updated_at = now() WHERE id = $1";
  static final String DELETE_RECOVERY_CODES = "DELETE FROM admin_recovery_code WHERE user_id = $1";
  static final String INSERT_RECOVERY_CODE = "INSERT INTO admin_recovery_code (user_id, code_hash) VALUES ($1, $2)";
  static final String USE_RECOVERY_CODE = "UPDATE admin_recovery_code SET used_at = $3 "
      + "WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL";

  // Lock-out
  static final String THROTTLE_LOCKS = "SELECT kind, locked_until FROM admin_login_throttle "
      + "WHERE ((kind = 'account' AND subject = $1) OR (kind = 'ip' AND subject = $2)) AND locked_until > $3";
  /** Counts a failure; a row quiet since $4 starts again from one. */
  static final String THROTTLE_FAIL = "INSERT INTO admin_login_throttle AS t (kind, subject, failures, last_failure_at) "
      + "VALUES ($1, $2, 1, $3) ON CONFLICT (kind, subject) DO UPDATE SET "
      + "failures = CASE WHEN t.last_failure_at < $4 THEN 1 ELSE t.failures + 1 END, last_failure_at = $3 "
      + "RETURNING failures";
  static final String THROTTLE_LOCK = "UPDATE admin_login_throttle SET locked_until = $3 WHERE kind = $1 AND subject = $2";
  static final String THROTTLE_CLEAR_ACCOUNT = "DELETE FROM admin_login_throttle WHERE kind = 'account' AND subject = $1";

  // ctl tokens
  private static final String TOKEN_COLUMNS = "id, name, role, created_by, created_at, expires_at, revoked_at, last_used_at";
  static final String INSERT_TOKEN = "INSERT INTO ctl_token (name, token_hash, role, created_by, created_at, expires_at) "
      + "VALUES ($1, $2, $3, $4, $5, $6) RETURNING " + TOKEN_COLUMNS;
  static final String LIST_TOKENS = "SELECT " + TOKEN_COLUMNS + " FROM ctl_token ORDER BY id";
  static final String REVOKE_TOKEN = "UPDATE ctl_token SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING "
      + TOKEN_COLUMNS;
  /** The role of a live token, marking it used. */
  static final String USE_TOKEN = "UPDATE ctl_token SET last_used_at = $2 "
      + "WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2 RETURNING role, name";

  private AdminSql() {
  }
}
