package io.bastion.security.waf.transformations;

/** {@code t:hexDecode}: pairs of hex digits to bytes; stops at the first non-hex pair. */
public final class HexDecode implements Transformation {
  @Override
  public String transform(String in) {
    StringBuilder sb = new StringBuilder(in.length() / 2);
    for (int i = 0; i + 1 < in.length(); i += 2) {
      if (!Bytes.isHex(in.charAt(i)) || !Bytes.isHex(in.charAt(i + 1))) {
        break;
      }
      sb.append((char) (Bytes.hex(in.charAt(i)) * 16 + Bytes.hex(in.charAt(i + 1))));
    }
    return Transformation.result(in, sb);
  }
}
