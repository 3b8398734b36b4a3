package io.bastion.security.waf.transformations;

import java.util.Map;

/**
 * {@code t:htmlEntityDecode}: {@code &#DDD;}, {@code &#xHH;} (semicolon optional) and the named entities
 * {@code quot amp lt gt nbsp apos}; code points above 0xff keep their low byte, as ModSecurity does.
 */
public final class HtmlEntityDecode implements Transformation {

  private static final Map<String, Character> NAMED = Map.of("quot", '"', "amp", '&', "lt", '<', "gt", '>',
      "nbsp", (char) 0xa0, "apos", '\'', "colon", ':', "tab", '\t', "newline", '\n', "lpar", '(');

  private static final ByteSet ENTITY = ByteSet.of("&");

  @Override
  public ByteSet changes() {
    return ENTITY;
  }

  /** A decoded byte comes from itself or from an entity, which starts with "&". */
  @Override
  public ByteSet inputsFor(ByteSet out) {
    return out.with('&');
  }

  @Override
  public String transform(String in) {
    if (in.indexOf('&') < 0) {
      return in;
    }
    StringBuilder sb = new StringBuilder(in.length());
    int n = in.length();
    int i = 0;
    while (i < n) {
      char c = in.charAt(i);
      if (c != '&' || i + 1 >= n) {
        sb.append(c);
        i++;
        continue;
      }
      int j = i + 1;
      if (in.charAt(j) == '#') {
        j++;
        boolean hex = j < n && (in.charAt(j) | 0x20) == 'x';
        if (hex) {
          j++;
        }
        int start = j;
        long code = 0;
        while (j < n && (hex ? Bytes.isHex(in.charAt(j)) : in.charAt(j) >= '0' && in.charAt(j) <= '9')) {
          code = Math.min(0x10ffff + 1, code * (hex ? 16 : 10) + (hex ? Bytes.hex(in.charAt(j)) : in.charAt(j) - '0'));
          j++;
        }
        if (j == start) {
          sb.append(c);
          i++;
          continue;
        }
        sb.append((char) (code & 0xff));
        i = j < n && in.charAt(j) == ';' ? j + 1 : j;
      } else {
        int start = j;
        while (j < n && Character.isLetterOrDigit(in.charAt(j)) && j - start < 8) {
          j++;
        }
        Character named = NAMED.get(in.substring(start, j).toLowerCase(java.util.Locale.ROOT));
        if (named == null) {
          sb.append(c);
          i++;
          continue;
        }
        sb.append(named.charValue());
        i = j < n && in.charAt(j) == ';' ? j + 1 : j;
      }
    }
    return Transformation.result(in, sb);
  }
}
