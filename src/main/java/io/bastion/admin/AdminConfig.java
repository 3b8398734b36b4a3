package io.bastion.admin;

import io.bastion.config.ConfigReader;

/** The first administrator and dashboard sessions. */
public record AdminConfig(String username, String initialPassword, int sessionIdleMinutes) {

  static final int MIN_PASSWORD_LENGTH = 12;

  public static AdminConfig read(ConfigReader r) {
    String username = r.string("admin.username");
    if (!username.matches("[A-Za-z0-9._@-]{1,64}")) {
      r.problem("admin.username", username, "1-64 letters, digits, '.', '_', '@' or '-'");
    }
    String password = r.string("admin.password");
    if (!password.isEmpty() && password.length() < MIN_PASSWORD_LENGTH) {
      r.problem("admin.password", "<" + password.length() + " characters>", "at least " + MIN_PASSWORD_LENGTH + " characters, or empty to generate one");
    }
    return new AdminConfig(username, password, r.integer("admin.session-idle-minutes", 1, 24 * 60));
  }

  @Override
  public String toString() {
    return "AdminConfig[username=" + username + ", initialPassword=<redacted>, sessionIdleMinutes=" + sessionIdleMinutes + "]";
  }
}
