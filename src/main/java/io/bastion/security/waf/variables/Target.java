package io.bastion.security.waf.variables;

import java.util.Locale;

/**
 * One entry of a rule's target list: {@code ARGS}, {@code ARGS:id}, {@code ARGS:/^id_/},
 * {@code !ARGS:foo} (exclusion) or {@code &ARGS} (count).
 *
 * @param variable  the variable
 * @param key       the literal member key, lower-cased, or null
 * @param keyRegex  the member key pattern, or null
 * @param exclusion true for {@code !VAR:key}
 * @param count     true for {@code &VAR}
 */
public record Target(Variable variable, String key, KeyPattern keyRegex, boolean exclusion, boolean count) {

  /**
   * Parses one target as written in a rule.
   *
   * @throws IllegalArgumentException naming the problem when the target is not valid
   */
  public static Target parse(String text) {
    String s = text.trim();
    boolean exclusion = false;
    boolean count = false;
    if (s.startsWith("!")) {
      exclusion = true;
      s = s.substring(1);
    } else if (s.startsWith("&")) {
      count = true;
      s = s.substring(1);
    }
    String name = s;
    String selector = null;
    int colon = s.indexOf(':');
    if (colon >= 0) {
      name = s.substring(0, colon);
      selector = s.substring(colon + 1);
    }
    Variable variable = Variable.byName(name.trim());
    if (variable == null) {
      throw new IllegalArgumentException("unknown variable " + name);
    }
    String key = null;
    KeyPattern regex = null;
    if (selector != null && !selector.isEmpty()) {
      if (selector.startsWith("'") && selector.endsWith("'") && selector.length() >= 2) {
        selector = selector.substring(1, selector.length() - 1);
      }
      if (selector.length() >= 2 && selector.startsWith("/") && selector.endsWith("/")
          && variable != Variable.XML) {
        regex = KeyPattern.compile(selector.substring(1, selector.length() - 1));
      } else {
        key = selector.toLowerCase(Locale.ROOT);
      }
    }
    return new Target(variable, key, regex, exclusion, count);
  }

  /** Whether this target's selector picks the member with that (lower-cased) key. */
  public boolean selects(String lowerKey) {
    if (key != null) {
      return key.equals(lowerKey);
    }
    if (keyRegex != null) {
      return keyRegex.find(lowerKey);
    }
    return true;
  }

  /** Whether this (exclusion) target removes members of {@code v} with that key. */
  public boolean excludes(Variable v, String lowerKey) {
    return variable == v && (lowerKey == null ? key == null && keyRegex == null : selects(lowerKey));
  }

  @Override
  public String toString() {
    String sel = key != null ? ":" + key : keyRegex != null ? ":/" + keyRegex.pattern() + "/" : "";
    return (exclusion ? "!" : count ? "&" : "") + variable + sel;
  }
}
