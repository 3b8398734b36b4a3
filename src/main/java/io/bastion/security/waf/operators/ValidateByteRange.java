package io.bastion.security.waf.operators;

import io.bastion.security.waf.transformations.ByteSet;

/**
 * {@code @validateByteRange 1-255} (or {@code 9,10,13,32-126}): matches when the input holds a byte
 * outside the allowed ranges. Example: {@code SecRule ARGS "@validateByteRange 32-126" "id:1,..."}.
 */
public final class ValidateByteRange implements Operator {

  private final boolean[] allowed = new boolean[256];
  /** The bytes outside the ranges: a value holding none of them cannot match. */
  private final ByteSet requiredBytes;

  public ValidateByteRange(String argument) {
    this(argument, true);
  }

  /** {@code byteSkip=false} reports {@link ByteSet#ALL} as required bytes, so every value is tested (for tests). */
  public ValidateByteRange(String argument, boolean byteSkip) {
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
    ByteSet outside = ByteSet.NONE;
    for (int b = 0; b < 256; b++) {
      if (!allowed[b]) {
        outside = outside.with(b);
      }
    }
    requiredBytes = byteSkip ? outside : ByteSet.ALL;
  }

  /**
   * The bytes the ranges leave out (NUL for {@code 1-255}): values are byte strings, and a value holding a character
   * above 255 counts as holding every byte ({@code ValueMemo}), so it is still tested (this operator reads such a
   * character's low byte).
   */
  @Override
  public ByteSet requiredBytes() {
    return requiredBytes;
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
