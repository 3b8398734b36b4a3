package io.bastion.security.waf;

/** {@code SecRuleEngine}: whether rules run and whether disruptive actions are carried out. */
public enum EngineMode {
  ON, OFF, DETECTION_ONLY;

  /** Parses the SecLang spelling ({@code On}, {@code Off}, {@code DetectionOnly}); null when unknown. */
  public static EngineMode parse(String s) {
    return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "on" -> ON;
      case "off" -> OFF;
      case "detectiononly" -> DETECTION_ONLY;
      default -> null;
    };
  }
}
