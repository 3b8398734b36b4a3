package io.bastion.security.waf.transformations;

/** {@code t:removeWhitespace}: drops every whitespace byte (including NBSP). */
public final class RemoveWhitespace implements Transformation {

  private static final ByteSet SPACES = ByteSet.of(" \t\n\r\u000b\f\u00a0");

  @Override
  public ByteSet changes() {
    return SPACES;
  }

  /** Removing creates no byte. */
  @Override
  public ByteSet inputsFor(ByteSet out) {
    return out;
  }

  @Override
  public String transform(String in) {
    StringBuilder sb = new StringBuilder(in.length());
    for (int i = 0; i < in.length(); i++) {
      char c = in.charAt(i);
      if (!Bytes.isSpace(c)) {
        sb.append(c);
      }
    }
    return Transformation.result(in, sb);
  }
}
