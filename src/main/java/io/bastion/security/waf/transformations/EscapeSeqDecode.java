package io.bastion.security.waf.transformations;

/** {@code t:escapeSeqDecode}: ANSI C escapes ({@code \n}, {@code \xHH}, {@code \OOO}, ...). */
public final class EscapeSeqDecode extends BackslashEscapes {

  @Override
  public String transform(String in) {
    if (in.indexOf('\\') < 0) {
      return in;
    }
    StringBuilder sb = new StringBuilder(in.length());
    int n = in.length();
    for (int i = 0; i < n; i++) {
      char c = in.charAt(i);
      if (c != '\\' || i + 1 >= n) {
        sb.append(c);
        continue;
      }
      char d = in.charAt(i + 1);
      switch (d) {
        case 'a' -> sb.append((char) 7);
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'v' -> sb.append((char) 0x0b);
        case '\\', '?', '\'', '"' -> sb.append(d);
        case 'x', 'X' -> {
          if (i + 3 < n && Bytes.isHex(in.charAt(i + 2)) && Bytes.isHex(in.charAt(i + 3))) {
            sb.append((char) (Bytes.hex(in.charAt(i + 2)) * 16 + Bytes.hex(in.charAt(i + 3))));
            i += 2;
          } else {
            sb.append(c).append(d);
          }
        }
        default -> {
          if (d >= '0' && d <= '7') {
            int j = i + 1;
            int code = 0;
            while (j < n && j < i + 4 && in.charAt(j) >= '0' && in.charAt(j) <= '7') {
              code = code * 8 + (in.charAt(j) - '0');
              j++;
            }
            sb.append((char) (code & 0xff));
            i = j - 2;
          } else {
            sb.append(c).append(d);
          }
        }
      }
      i++;
    }
    return Transformation.result(in, sb);
  }
}
