package io.bastion.admin;

/** The admin capability's SQL, in one place; every statement is parameterised. */
final class AdminSql {

  static final String COUNT_USERS = "SELECT count(*) FROM admin_user";
  /** Inserts only into an empty table, so two nodes starting together create one first admin. */
  static final String INSERT_FIRST_ADMIN = "INSERT INTO admin_user (username, password_hash, roles) "
      + "SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM admin_user)";
  static final String FIND_BY_USERNAME = "SELECT id, username, password_hash, roles FROM admin_user WHERE username = $1";
  static final String TOUCH_LOGIN = "UPDATE admin_user SET last_login_at = now() WHERE id = $1";

  private AdminSql() {
  }
}
