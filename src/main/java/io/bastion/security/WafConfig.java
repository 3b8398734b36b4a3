package io.bastion.security;

import io.bastion.config.ConfigReader;
import java.util.List;

/**
 * The {@code waf:} section of conf/bastion.yaml: whether the gateway runs the WAF inline (pipeline step 5),
 * which SecLang files it loads, the CRS paranoia level and how much of a body it inspects.
 *
 * @param mode              off, detection-only or on
 * @param rules             SecLang files or globs, or shipped sets ({@code builtin}, {@code builtin:NAME}, see
 *                          {@link BuiltinRules}), loaded in order; {@code [builtin]} when none are configured
 * @param paranoiaLevel     0: leave it to the rules (crs-setup.conf); 1-4: set tx.blocking_paranoia_level
 * @param requestBodyLimit  bodies up to this many bytes are inspected; larger ones are refused (413) in
 *                          {@code on} mode and inspected up to the limit in {@code detection-only}
 * @param auditLog          the audit log of blocked transactions (JSON lines), relative to node.data-dir
 *                          unless absolute; null when {@code off}
 * @param collectionsMaxRecords bound on the node's persistent IP/GLOBAL collection records (initcol)
 */
public record WafConfig(Mode mode, List<String> rules, int paranoiaLevel, int requestBodyLimit,
    String auditLog, int collectionsMaxRecords) {

  /** What the gateway does with the WAF's verdict. */
  public enum Mode { OFF, DETECTION_ONLY, ON }

  public static WafConfig read(ConfigReader r) {
    // YAML 1.1 reads an unquoted `off` as false (and `on` as true): accept those spellings too
    String word = r.string("waf.mode").toLowerCase(java.util.Locale.ROOT);
    Mode mode = switch (word) {
      case "on", "true" -> Mode.ON;
      case "detection-only" -> Mode.DETECTION_ONLY;
      case "off", "false" -> Mode.OFF;
      default -> {
        r.problem("waf.mode", word, "one of off, detection-only, on");
        yield Mode.OFF;
      }
    };
    List<String> rules = r.list("waf.rules");
    if (rules.isEmpty()) {
      rules = List.of(BuiltinRules.DEFAULT); // no rules configured: Bastion's own
    }
    for (String rule : rules) {
      if (rule.isBlank()) {
        r.problem("waf.rules", rule, "file paths or globs");
      } else if (BuiltinRules.names(rule) && !BuiltinRules.exists(rule)) {
        r.problem("waf.rules", rule, "builtin, builtin:extras, builtin:crs-fhir-before, or a file path or glob");
      }
    }
    String auditLog = r.string("waf.audit-log").trim();
    if (auditLog.isEmpty()) {
      r.problem("waf.audit-log", auditLog, "a file path, or off");
    }
    return new WafConfig(mode, rules, r.integer("waf.paranoia-level", 0, 4),
        r.integer("waf.request-body-limit", 1024, 512 * 1024 * 1024),
        auditLog.equalsIgnoreCase("off") || auditLog.equalsIgnoreCase("false") ? null : auditLog,
        r.integer("waf.collections-max-records", 1, 10_000_000));
  }

  /** Where the audit log of blocked transactions goes, or null when waf.audit-log is off. */
  public java.nio.file.Path auditLogPath(java.nio.file.Path dataDir) {
    return auditLog == null ? null : dataDir.resolve(auditLog);
  }

  public boolean enabled() {
    return mode != Mode.OFF;
  }
}
