package io.bastion.security.waf.transformations;

/** {@code t:compressWhitespace}: every run of whitespace bytes (including NBSP) to one space. */
public final class CompressWhitespace implements Transformation {
  private static final ByteSet SPACES = spaces();

  @Override
  public ByteSet changes() {
    return SPACES; // a lone space stays, but two do not
  }

  /** Only the space is made from something else: any whitespace byte. */
  @Override
  public ByteSet inputsFor(ByteSet out) {
    return out.contains(' ') ? out.union(SPACES) : out;
  }

  private static ByteSet spaces() {
    ByteSet s = ByteSet.NONE;
    for (char c = 0; c < 256; c++) {
      if (Bytes.isSpace(c)) {
        s = s.with(c);
      }
    }
    return s;
  }

  @Override
  public String transform(String in) {
    return unchanged(in) ? in : compress(in); // the usual case needs no copy to build and compare
  }

  /** The transformation without the one-read check (also what the tests compare it with). */
  static String compress(String in) {
    StringBuilder sb = new StringBuilder(in.length());
    boolean inSpace = false;
    for (int i = 0; i < in.length(); i++) {
      char c = in.charAt(i);
      if (Bytes.isSpace(c)) {
        if (!inSpace) {
          sb.append(' ');
        }
        inSpace = true;
      } else {
        sb.append(c);
        inSpace = false;
      }
    }
    return Transformation.result(in, sb);
  }

  /** True when every whitespace byte is a lone space, i.e. when {@link #transform} would change nothing. */
  static boolean unchanged(String in) {
    boolean prevSpace = false;
    for (int i = 0, n = in.length(); i < n; i++) {
      char c = in.charAt(i);
      boolean space = Bytes.isSpace(c);
      if (space && (prevSpace || c != ' ')) {
        return false;
      }
      prevSpace = space;
    }
    return true;
  }
}
