package io.bastion.security.waf.transformations;

/** {@code t:hexEncode}: every byte as two lower-case hex digits. */
public final class HexEncode implements Transformation {
  private static final char[] DIGITS = "0123456789abcdef".toCharArray();

  @Override
  public String transform(String in) {
    StringBuilder sb = new StringBuilder(in.length() * 2);
    for (int i = 0; i < in.length(); i++) {
      char c = in.charAt(i);
      sb.append(DIGITS[(c >> 4) & 0xf]).append(DIGITS[c & 0xf]);
    }
    return Transformation.result(in, sb);
  }
}
