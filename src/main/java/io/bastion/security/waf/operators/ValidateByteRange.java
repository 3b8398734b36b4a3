package io.bastion.security.waf.operators;

/**
 * {@code @validateByteRange 1-255} (or {@code 9,10,13,32-126}): matches when the input holds a byte
 * outside the allowed ranges. Example: {@code SecRule ARGS "@validateByteRange 32-126" "id:1,..."}.
 */
public final class ValidateByteRange implements Operator {

  private final boolean[] allowed = new boolean[256];

  public ValidateByteRange(String argument) {
    for (String part : argument.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      int dash = p.indexOf('-');
      int from = Integer.parseInt((dash < 0 ? p : p.substring(0, dash)).trim());
      int to = dash < 0 ? from : Integer.parseInt(p.substring(dash + 1).trim());
      if (from < 0 || to > 255 || from > to) {
        throw new IllegalArgumentException("invalid byte range " + p);
      }
      for (int b = from; b <= to; b++) {
        allowed[b] = true;
      }
    }
  }

  @Override
  public boolean matches(MatchContext ctx, String input) {
    for (int i = 0; i < input.length(); i++) {
      if (!allowed[input.charAt(i) & 0xff]) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean dependsOnValueOnly() {
    return true;
  }
}
