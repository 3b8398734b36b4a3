package io.bastion.config;

/** Log level and whether every request gets an access-log line. */
public record LogConfig(String level, boolean accessLog) {

  static LogConfig read(ConfigReader r) {
    String level = r.oneOf("log.level", "info", "trace", "debug", "warn", "error");
    return new LogConfig(level.toUpperCase(java.util.Locale.ROOT), r.bool("log.access-log"));
  }
}
