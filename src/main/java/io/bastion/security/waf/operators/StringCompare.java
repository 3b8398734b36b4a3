package io.bastion.security.waf.operators;

import io.bastion.security.waf.variables.Macro;
import java.util.function.BiPredicate;

/**
 * The string comparison operators, whose argument may hold macros ({@code %{tx.allowed_methods}}):
 * {@code @streq} (equal), {@code @beginsWith}, {@code @endsWith}, {@code @contains} (input contains the
 * argument) and {@code @within} (the argument contains the input). All are case-sensitive, as in
 * ModSecurity. Example: {@code SecRule REQUEST_METHOD "!@within %{tx.allowed_methods}" "id:1,..."}.
 */
public final class StringCompare implements Operator {

  private final Macro argument;
  private final String constant;
  private final BiPredicate<String, String> test;

  private StringCompare(String argument, BiPredicate<String, String> test) {
    this.argument = Macro.parse(argument);
    this.constant = this.argument.isConstant() ? this.argument.expand(null) : null;
    this.test = test;
  }

  public static StringCompare streq(String a) {
    return new StringCompare(a, (input, arg) -> input.equals(arg));
  }

  public static StringCompare beginsWith(String a) {
    return new StringCompare(a, (input, arg) -> input.startsWith(arg));
  }

  public static StringCompare endsWith(String a) {
    return new StringCompare(a, (input, arg) -> input.endsWith(arg));
  }

  public static StringCompare contains(String a) {
    return new StringCompare(a, (input, arg) -> input.contains(arg));
  }

  public static StringCompare within(String a) {
    return new StringCompare(a, (input, arg) -> arg.contains(input));
  }

  @Override
  public boolean matches(MatchContext ctx, String input) {
    String arg = constant != null ? constant : argument.expand(ctx);
    boolean m = test.test(input, arg);
    if (m && ctx.capturing()) {
      ctx.capture(0, input);
    }
    return m;
  }

  @Override
  public boolean dependsOnValueOnly() {
    return constant != null;
  }
}
