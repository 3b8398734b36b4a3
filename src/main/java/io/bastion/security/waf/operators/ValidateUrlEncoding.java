package io.bastion.security.waf.operators;

/** {@code @validateUrlEncoding}: matches when a {@code %} is not followed by two hex digits. */
public final class ValidateUrlEncoding implements Operator {

  private static boolean hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  @Override
  public boolean matches(MatchContext ctx, String input) {
    int n = input.length();
    for (int i = 0; i < n; i++) {
      if (input.charAt(i) == '%') {
        if (i + 2 >= n || !hex(input.charAt(i + 1)) || !hex(input.charAt(i + 2))) {
          return true;
        }
        i += 2;
      }
    }
    return false;
  }

  @Override
  public boolean dependsOnValueOnly() {
    return true;
  }
}
