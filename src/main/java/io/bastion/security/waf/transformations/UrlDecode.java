package io.bastion.security.waf.transformations;

/**
 * {@code t:urlDecode}: {@code %XX} to the byte, {@code +} to a space; invalid escapes are kept as they are.
 * With {@code unicode} ({@code t:urlDecodeUni}) also {@code %uXXXX}: full-width ASCII to ASCII, otherwise the
 * low byte, as ModSecurity does without a unicode map.
 */
public final class UrlDecode implements Transformation {

  private final boolean unicode;

  public UrlDecode(boolean unicode) {
    this.unicode = unicode;
  }

  /** Decodes without the change check; used by the body and query parsers too. */
  public static String decode(String in, boolean unicode) {
    if (in.indexOf('%') < 0 && in.indexOf('+') < 0) {
      return in;
    }
    StringBuilder sb = new StringBuilder(in.length());
    int n = in.length();
    for (int i = 0; i < n; i++) {
      char c = in.charAt(i);
      if (c == '+') {
        sb.append(' ');
      } else if (c == '%') {
        if (unicode && i + 5 < n && (in.charAt(i + 1) | 0x20) == 'u' && Bytes.isHex(in.charAt(i + 2))
            && Bytes.isHex(in.charAt(i + 3)) && Bytes.isHex(in.charAt(i + 4)) && Bytes.isHex(in.charAt(i + 5))) {
          int code = Integer.parseInt(in.substring(i + 2, i + 6), 16);
          sb.append(Bytes.fromUnicode(code));
          i += 5;
        } else if (i + 2 < n && Bytes.isHex(in.charAt(i + 1)) && Bytes.isHex(in.charAt(i + 2))) {
          sb.append((char) (Bytes.hex(in.charAt(i + 1)) * 16 + Bytes.hex(in.charAt(i + 2))));
          i += 2;
        } else {
          sb.append(c);
        }
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static final ByteSet ESCAPES = ByteSet.of("%+");

  @Override
  public ByteSet changes() {
    return ESCAPES;
  }

  /** A decoded byte comes from itself or from an escape, which starts with "%"; a space also from "+". */
  @Override
  public ByteSet inputsFor(ByteSet out) {
    ByteSet in = out.with('%');
    return out.contains(' ') ? in.with('+') : in;
  }

  @Override
  public String transform(String in) {
    return Transformation.result(in, decode(in, unicode));
  }
}
