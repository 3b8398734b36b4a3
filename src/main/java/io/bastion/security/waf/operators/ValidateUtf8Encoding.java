package io.bastion.security.waf.operators;

import io.bastion.security.waf.transformations.ByteSet;

/**
 * {@code @validateUtf8Encoding}: matches when the input bytes are not valid UTF-8 (truncated or invalid
 * sequences, overlong forms, surrogates, code points above U+10FFFF).
 */
public final class ValidateUtf8Encoding implements Operator {

  private static final ByteSet NON_ASCII;

  static {
    ByteSet high = ByteSet.NONE;
    for (int b = 0x80; b < 256; b++) {
      high = high.with(b);
    }
    NON_ASCII = high;
  }

  private final ByteSet requiredBytes;

  public ValidateUtf8Encoding() {
    this(true);
  }

  /** {@code byteSkip=false} reports {@link ByteSet#ALL} as required bytes, so every value is tested (for tests). */
  public ValidateUtf8Encoding(boolean byteSkip) {
    requiredBytes = byteSkip ? NON_ASCII : ByteSet.ALL;
  }

  /**
   * A byte above 127: ASCII alone is valid UTF-8. A value holding a character above 255 counts as holding every
   * byte ({@code ValueMemo}), so it is still tested.
   */
  @Override
  public ByteSet requiredBytes() {
    return requiredBytes;
  }

  @Override
  public boolean matches(MatchContext ctx, String input) {
    int n = input.length();
    int i = 0;
    while (i < n) {
      int c = input.charAt(i) & 0xff;
      int len;
      int min;
      if (c < 0x80) {
        i++;
        continue;
      } else if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        min = 0x80;
      } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        min = 0x800;
      } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        min = 0x10000;
      } else {
        return true;
      }
      if (i + len > n) {
        return true;
      }
      int code = c & (0xff >> (len + 1));
      for (int k = 1; k < len; k++) {
        int b = input.charAt(i + k) & 0xff;
        if ((b & 0xc0) != 0x80) {
          return true;
        }
        code = (code << 6) | (b & 0x3f);
      }
      if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
        return true;
      }
      i += len;
    }
    return false;
  }

  @Override
  public boolean dependsOnValueOnly() {
    return true;
  }
}
