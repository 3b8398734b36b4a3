package io.bastion.security.waf.operators;

/** {@code @strmatch text}: plain substring search (Boyer-Moore in ModSecurity; indexOf here). */
public final class StrMatch implements Operator {

  private final String needle;

  public StrMatch(String argument) {
    this.needle = argument;
  }

  @Override
  public boolean matches(MatchContext ctx, String input) {
    return input.contains(needle);
  }

  @Override
  public boolean dependsOnValueOnly() {
    return true;
  }
}
