package io.bastion.security.waf.operators;

import io.bastion.security.waf.variables.Macro;

/**
 * {@code @eq}, {@code @ge}, {@code @gt}, {@code @le}, {@code @lt}: integer comparison of the input with the
 * (possibly macro) argument. Both sides are read like C's {@code atoi}: leading digits, anything else 0.
 * Example: {@code SecRule TX:DETECTION_PARANOIA_LEVEL "@lt 2" "id:1,...,skipAfter:END"}.
 */
public final class NumericCompare implements Operator {

  /** The comparison. */
  public enum Kind { EQ, GE, GT, LE, LT }

  private final Macro argument;
  private final long constant;
  private final boolean isConstant;
  private final Kind kind;

  public NumericCompare(String argument, Kind kind) {
    this.argument = Macro.parse(argument.trim());
    this.isConstant = this.argument.isConstant();
    this.constant = isConstant ? parse(argument) : 0;
    this.kind = kind;
  }

  /** C {@code atoi}: optional sign, then digits; stops at the first other character. */
  public static long parse(String s) {
    if (s == null) {
      return 0;
    }
    int i = 0;
    int n = s.length();
    while (i < n && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    boolean neg = false;
    if (i < n && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
      neg = s.charAt(i) == '-';
      i++;
    }
    long v = 0;
    while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9' && v < Long.MAX_VALUE / 10 - 10) {
      v = v * 10 + (s.charAt(i) - '0');
      i++;
    }
    return neg ? -v : v;
  }

  @Override
  public boolean matches(MatchContext ctx, String input) {
    long arg = isConstant ? constant : parse(argument.expand(ctx));
    long v = parse(input);
    return switch (kind) {
      case EQ -> v == arg;
      case GE -> v >= arg;
      case GT -> v > arg;
      case LE -> v <= arg;
      case LT -> v < arg;
    };
  }

  /** The right-hand side, possibly a macro ({@code %{tx.blocking_paranoia_level}}). */
  public Macro argument() {
    return argument;
  }

  @Override
  public boolean dependsOnValueOnly() {
    return isConstant;
  }
}
