package io.bastion.security.waf.transformations;

/**
 * {@code t:jsDecode}: JavaScript escapes {@code \xHH}, backslash-u HHHH (full-width to ASCII, else the low
 * byte), {@code \OOO} octal, {@code \n \t \r \b \f \v \0} and {@code \c} for any other character.
 */
public final class JsDecode extends BackslashEscapes {

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
      if ((d == 'u' || d == 'U') && i + 5 < n && Bytes.isHex(in.charAt(i + 2)) && Bytes.isHex(in.charAt(i + 3))
          && Bytes.isHex(in.charAt(i + 4)) && Bytes.isHex(in.charAt(i + 5))) {
        sb.append(Bytes.fromUnicode(Integer.parseInt(in.substring(i + 2, i + 6), 16)));
        i += 5;
      } else if ((d == 'x' || d == 'X') && i + 3 < n && Bytes.isHex(in.charAt(i + 2))
          && Bytes.isHex(in.charAt(i + 3))) {
        sb.append((char) (Bytes.hex(in.charAt(i + 2)) * 16 + Bytes.hex(in.charAt(i + 3))));
        i += 3;
      } else if (d >= '0' && d <= '7') {
        int j = i + 1;
        int code = 0;
        while (j < n && j < i + 4 && in.charAt(j) >= '0' && in.charAt(j) <= '7') {
          code = code * 8 + (in.charAt(j) - '0');
          j++;
        }
        sb.append((char) (code & 0xff));
        i = j - 1;
      } else {
        sb.append(switch (d) {
          case 'a' -> (char) 7;
          case 'b' -> '\b';
          case 'f' -> '\f';
          case 'n' -> '\n';
          case 'r' -> '\r';
          case 't' -> '\t';
          case 'v' -> (char) 0x0b;
          default -> d;
        });
        i++;
      }
    }
    return Transformation.result(in, sb);
  }
}
