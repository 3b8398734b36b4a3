package io.bastion.security.waf.operators;

import java.util.regex.Pattern;

/**
 * {@code @containsWord word}: the input contains the argument delimited by non-word characters or the
 * ends of the input. Example: {@code SecRule ARGS "@containsWord select" "id:1,..."}.
 */
public final class ContainsWord implements Operator {

  private final Pattern pattern;

  public ContainsWord(String argument) {
    this.pattern = Pattern.compile("(?<![A-Za-z0-9_])" + Pattern.quote(argument) + "(?![A-Za-z0-9_])");
  }

  @Override
  public boolean matches(MatchContext ctx, String input) {
    return pattern.matcher(input).find();
  }

  @Override
  public boolean dependsOnValueOnly() {
    return true;
  }
}
