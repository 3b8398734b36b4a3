package io.bastion.security.waf.transformations;

/**
 * {@code t:utf8toUnicode}: every valid multi-byte UTF-8 sequence becomes {@code %uXXXX} (code point in
 * lower-case hex, at least four digits); invalid bytes stay as they are.
 */
public final class Utf8ToUnicode implements Transformation {

  /** The lead bytes of a multi-byte UTF-8 sequence: only a sequence starting with one is rewritten. */
  private static final ByteSet LEADS = leads();
  /** What a rewritten sequence is made of. */
  private static final ByteSet ESCAPE = ByteSet.of("%u0123456789abcdef");

  private static ByteSet leads() {
    ByteSet s = ByteSet.NONE;
    for (int c = 0xc2; c <= 0xf4; c++) {
      s = s.with(c);
    }
    return s;
  }

  @Override
  public ByteSet changes() {
    return LEADS;
  }

  /** A byte is kept as it is, or comes from a sequence ({@code %u} and lower-case hex), which needs a lead byte. */
  @Override
  public ByteSet inputsFor(ByteSet out) {
    return out.meets(ESCAPE.w0, ESCAPE.w1, ESCAPE.w2, ESCAPE.w3) ? out.union(LEADS) : out;
  }

  @Override
  public String transform(String in) {
    StringBuilder sb = null;
    int n = in.length();
    for (int i = 0; i < n; i++) {
      int c = in.charAt(i);
      int len = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xc2 && c <= 0xdf ? 2 : 1;
      int code = -1;
      if (len > 1 && i + len <= n) {
        code = c & (len == 2 ? 0x1f : len == 3 ? 0x0f : 0x07);
        for (int k = 1; k < len; k++) {
          int b = in.charAt(i + k);
          if ((b & 0xc0) != 0x80 || b > 0xff) {
            code = -1;
            break;
          }
          code = (code << 6) | (b & 0x3f);
        }
      }
      if (code < 0) {
        if (sb != null) {
          sb.append((char) c);
        }
        continue;
      }
      if (sb == null) {
        sb = new StringBuilder(n + 16).append(in, 0, i);
      }
      String hex = Integer.toHexString(code);
      sb.append("%u");
      for (int k = hex.length(); k < 4; k++) {
        sb.append('0');
      }
      sb.append(hex);
      i += len - 1;
    }
    return sb == null ? in : sb.toString();
  }
}
