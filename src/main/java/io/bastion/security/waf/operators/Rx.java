package io.bastion.security.waf.operators;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code @rx pattern}: PCRE-compatible regular expression search (see {@link PcreTranslator}), bounded by
 * {@link BoundedCharSequence}. With {@code capture}, groups 0-9 go to TX:0-9.
 * Example: {@code SecRule ARGS "@rx (?i)union\s+select" "id:1,capture,..."}.
 */
public final class Rx implements Operator {

  private final Pattern pattern;

  public Rx(String argument) {
    this.pattern = PcreTranslator.compile(argument);
  }

  public Pattern pattern() {
    return pattern;
  }

  @Override
  public boolean matches(MatchContext ctx, String input) {
    Matcher m = pattern.matcher(new BoundedCharSequence(input));
    boolean found;
    try {
      found = m.find();
    } catch (RegexBudgetExceededException | StackOverflowError e) {
      // java.util.regex recurses once per repetition of a group, so a long enough value can also exhaust
      // the thread stack; both are the same "match limit" condition as PCRE's and end the same way.
      ctx.regexBudgetExceeded(pattern.pattern());
      return false;
    }
    if (found && ctx.capturing()) {
      for (int g = 0; g <= Math.min(9, m.groupCount()); g++) {
        String v = m.group(g);
        ctx.capture(g, v == null ? "" : v);
      }
    }
    return found;
  }
}
