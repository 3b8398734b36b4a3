package io.bastion.security.waf.variables;

/**
 * One value a rule inspects: the variable it came from, the member key (null for scalar variables) and the
 * value itself.
 */
public record MatchTarget(String variable, String key, String value) {

  /** The name ModSecurity reports, e.g. {@code ARGS:id} or {@code REQUEST_METHOD}. */
  public String name() {
    return key == null ? variable : variable + ":" + key;
  }
}
