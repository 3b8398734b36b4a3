package io.bastion.security.waf.transformations;

/** {@code t:removeCommentsChar}: removes the comment markers {@code /* *}{@code / -- # <!-- -->} themselves. */
public final class RemoveCommentsChar implements Transformation {

  /** The first byte of each marker: {@code /* *}{@code / -- <!-- --> #}. */
  private static final ByteSet MARKERS = ByteSet.of("/*-<#");

  @Override
  public ByteSet changes() {
    return MARKERS;
  }

  /** Removing creates no byte. */
  @Override
  public ByteSet inputsFor(ByteSet out) {
    return out;
  }

  @Override
  public String transform(String in) {
    StringBuilder sb = new StringBuilder(in.length());
    int n = in.length();
    int i = 0;
    while (i < n) {
      if (in.startsWith("/*", i) || in.startsWith("*/", i) || in.startsWith("--", i)) {
        i += 2;
      } else if (in.startsWith("<!--", i)) {
        i += 4;
      } else if (in.startsWith("-->", i)) {
        i += 3;
      } else if (in.charAt(i) == '#') {
        i++;
      } else {
        sb.append(in.charAt(i++));
      }
    }
    return Transformation.result(in, sb);
  }
}
