package io.bastion.security.waf.transformations;

/** {@code t:sqlHexDecode}: SQL hex literals {@code 0xHHHH...} to their bytes. */
public final class SqlHexDecode implements Transformation {
  @Override
  public String transform(String in) {
    StringBuilder sb = new StringBuilder(in.length());
    int n = in.length();
    for (int i = 0; i < n; i++) {
      char c = in.charAt(i);
      if (c == '0' && i + 3 < n && (in.charAt(i + 1) | 0x20) == 'x' && Bytes.isHex(in.charAt(i + 2))
          && Bytes.isHex(in.charAt(i + 3))) {
        int j = i + 2;
        while (j + 1 < n && Bytes.isHex(in.charAt(j)) && Bytes.isHex(in.charAt(j + 1))) {
          sb.append((char) (Bytes.hex(in.charAt(j)) * 16 + Bytes.hex(in.charAt(j + 1))));
          j += 2;
        }
        i = j - 1;
      } else {
        sb.append(c);
      }
    }
    return Transformation.result(in, sb);
  }
}
