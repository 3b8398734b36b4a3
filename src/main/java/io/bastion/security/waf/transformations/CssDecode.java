package io.bastion.security.waf.transformations;

/**
 * {@code t:cssDecode}: CSS escapes: a backslash and 1-6 hex digits (one following whitespace swallowed;
 * full-width to ASCII, else the low byte), a backslash before a newline removed, a backslash before any
 * other character removed.
 */
public final class CssDecode extends BackslashEscapes {

  @Override
  public String transform(String in) {
    if (in.indexOf('\\') < 0) {
      return in;
    }
    StringBuilder sb = new StringBuilder(in.length());
    int n = in.length();
    for (int i = 0; i < n; i++) {
      char c = in.charAt(i);
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      if (i + 1 >= n) {
        break;
      }
      int j = i + 1;
      int code = 0;
      while (j < n && j < i + 7 && Bytes.isHex(in.charAt(j))) {
        code = code * 16 + Bytes.hex(in.charAt(j));
        j++;
      }
      if (j > i + 1) {
        sb.append(Bytes.fromUnicode(code));
        if (j < n && Bytes.isSpace(in.charAt(j))) {
          j++;
        }
        i = j - 1;
      } else if (in.charAt(i + 1) == '\n') {
        i++;
      } else {
        sb.append(in.charAt(i + 1));
        i++;
      }
    }
    return Transformation.result(in, sb);
  }
}
