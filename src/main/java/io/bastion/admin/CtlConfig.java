package io.bastion.admin;

import io.bastion.config.ConfigReader;

/** The TCP event-bus bridge that `bastion ctl` talks to. */
public record CtlConfig(String host, int port, String token, String listen) {

  static final int MIN_TOKEN_LENGTH = 16;

  public static CtlConfig read(ConfigReader r) {
    String token = r.string("ctl.token");
    if (!token.isEmpty() && token.length() < MIN_TOKEN_LENGTH) {
      r.problem("ctl.token", "<" + token.length() + " characters>", "at least " + MIN_TOKEN_LENGTH + " characters, or empty to disable the ctl bridge");
    }
    return new CtlConfig(r.string("ctl.host"), r.integer("ctl.port", 0, 65535), token, r.oneOf("ctl.listen", "auto", "on", "off"));
  }

  /** Whether the bridge listens: ctl.listen on, or auto with a bootstrap token configured. */
  public boolean enabled() {
    return "on".equals(listen) || ("auto".equals(listen) && !token.isEmpty());
  }

  public boolean hasBootstrapToken() {
    return !token.isEmpty();
  }

  @Override
  public String toString() {
    return "CtlConfig[host=" + host + ", port=" + port + ", token=<redacted>, listen=" + listen + "]";
  }
}
