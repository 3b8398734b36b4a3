package io.bastion.security.waf.transformations;

/**
 * {@code t:removeComments}: removes {@code /* ... *}{@code /}, {@code <!-- ... -->}, and {@code --} or
 * {@code #} to the end of the line; with {@code replace} ({@code t:replaceComments}) a C comment
 * (terminated or not) becomes one space and nothing else is touched.
 */
public final class RemoveComments implements Transformation {

  private final boolean replace;

  public RemoveComments(boolean replace) {
    this.replace = replace;
  }

  /** Where a comment starts: {@code /*}, and without {@code replace} {@code <!--}, {@code #}, {@code --}. */
  private static final ByteSet STARTS = ByteSet.of("/<#-");
  private static final ByteSet SLASH = ByteSet.of("/");

  @Override
  public ByteSet changes() {
    return replace ? SLASH : STARTS;
  }

  /** Removing creates no byte; replacing makes a space of a comment, which starts with a slash. */
  @Override
  public ByteSet inputsFor(ByteSet out) {
    return replace && out.contains(' ') ? out.with('/') : out;
  }

  @Override
  public String transform(String in) {
    StringBuilder sb = new StringBuilder(in.length());
    int n = in.length();
    int i = 0;
    while (i < n) {
      char c = in.charAt(i);
      if (c == '/' && i + 1 < n && in.charAt(i + 1) == '*') {
        int end = in.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
        if (replace) {
          sb.append(' ');
        }
      } else if (!replace && c == '<' && in.startsWith("<!--", i)) {
        int end = in.indexOf("-->", i + 4);
        i = end < 0 ? n : end + 3;
      } else if (!replace && (c == '#' || (c == '-' && i + 1 < n && in.charAt(i + 1) == '-'))) {
        int end = in.indexOf('\n', i);
        i = end < 0 ? n : end;
      } else {
        sb.append(c);
        i++;
      }
    }
    return Transformation.result(in, sb);
  }
}
