package io.bastion.security;

import io.bastion.security.waf.parser.SecLangParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The SecLang rule sets shipped inside the jar (under {@code waf/builtin/}), named in {@code waf.rules} as
 * {@code builtin} (Bastion's own rules, the default) or {@code builtin:NAME}:
 * <ul>
 *   <li>{@code crs-fhir-before}: the FHIR exclusions for the OWASP CRS, loaded between {@code crs-setup.conf}
 *       and the CRS rules, as a CRS application-exclusion plugin's {@code -before} file is (there is no
 *       {@code -after} part: every exclusion is a runtime {@code ctl} scoped to /fhir);</li>
 *   <li>{@code extras}: Bastion's detections for what the CRS misses (custom headers, Log4Shell, XXE, SSRF,
 *       NoSQL operators), loaded alongside the CRS;</li>
 *   <li>any single file of the set by its name (e.g. {@code builtin:bastion-sqli}), for tests and tuning.</li>
 * </ul>
 * Rules are parsed from text, so they must not use {@code @pmFromFile}: their word lists are inline.
 */
public final class BuiltinRules {

  /** The {@code waf.rules} entry for Bastion's own rules, also used when no rules are configured. */
  public static final String DEFAULT = "builtin";
  private static final String PREFIX = "builtin:";
  private static final String FOLDER = "waf/builtin/";

  /** Bastion's own rules, in load order: set-up, detections by attack class, then the blocking decision. */
  static final List<String> OWN = List.of("bastion-setup", "bastion-protocol", "bastion-sqli", "bastion-nosqli",
      "bastion-ldapi", "bastion-rce", "bastion-xss", "bastion-lfi", "bastion-ssrf", "bastion-xxe",
      "bastion-java", "bastion-template", "bastion-deserialisation", "bastion-blocking");

  /** Named sets other than the single files. */
  private static final Map<String, List<String>> SETS = Map.of(
      DEFAULT, OWN,
      "extras", List.of("bastion-setup", "extras-headers", "bastion-nosqli", "bastion-ssrf", "bastion-xxe",
          "bastion-java", "bastion-template", "bastion-deserialisation", "bastion-blocking"),
      "crs-fhir-before", List.of("crs-fhir-before"));

  private BuiltinRules() {
  }

  /** Whether a {@code waf.rules} entry names a shipped set rather than a file. */
  public static boolean names(String entry) {
    return entry.equals(DEFAULT) || entry.startsWith(PREFIX);
  }

  /** Whether a shipped set or file of that {@code waf.rules} entry exists. */
  public static boolean exists(String entry) {
    return files(entry) != null;
  }

  /**
   * Parses the shipped files of a {@code waf.rules} entry into the parser, each named
   * {@code builtin:FILE.conf} in messages.
   *
   * @throws IllegalArgumentException when no such set is shipped (WafConfig has already refused it)
   */
  public static void parseInto(SecLangParser parser, String entry) {
    List<String> files = files(entry);
    if (files == null) {
      throw new IllegalArgumentException("no shipped rule set " + entry);
    }
    for (String file : files) {
      parser.parseText(Path.of(PREFIX + file + ".conf"), read(file));
    }
  }

  private static List<String> files(String entry) {
    String name = entry.equals(DEFAULT) ? DEFAULT : entry.substring(PREFIX.length());
    List<String> set = SETS.get(name);
    if (set != null) {
      return set;
    }
    return BuiltinRules.class.getClassLoader().getResource(FOLDER + name + ".conf") == null ? null : List.of(name);
  }

  private static String read(String file) {
    try (InputStream in = BuiltinRules.class.getClassLoader().getResourceAsStream(FOLDER + file + ".conf")) {
      if (in == null) {
        throw new IllegalStateException("the jar lacks " + FOLDER + file + ".conf");
      }
      // as SecLangParser reads files: one char per byte, so regexes see the same bytes either way
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + FOLDER + file + ".conf", e);
    }
  }
}
