package io.bastion.security.waf.transformations;

/**
 * {@code t:base64Decode}: decodes up to the first character outside the alphabet; with {@code lenient}
 * ({@code t:base64DecodeExt}) such characters are skipped instead.
 */
public final class Base64Decode implements Transformation {

  private final boolean lenient;

  public Base64Decode(boolean lenient) {
    this.lenient = lenient;
  }

  private static int value(char c) {
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
      return c - '0' + 52;
    }
    if (c == '+' || c == '-') {
      return 62;
    }
    if (c == '/' || c == '_') {
      return 63;
    }
    return -1;
  }

  @Override
  public String transform(String in) {
    StringBuilder sb = new StringBuilder(in.length());
    int acc = 0;
    int bits = 0;
    for (int i = 0; i < in.length(); i++) {
      char c = in.charAt(i);
      if (c == '=') {
        break;
      }
      int v = value(c);
      if (v < 0) {
        if (lenient) {
          continue;
        }
        break;
      }
      acc = (acc << 6) | v;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        sb.append((char) ((acc >> bits) & 0xff));
      }
    }
    return Transformation.result(in, sb);
  }
}
