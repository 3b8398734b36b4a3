package io.bastion.security.waf.transformations;

/**
 * {@code t:cmdLine}: normalises a shell command line as ModSecurity does: deletes {@code \ " ' ^}, deletes
 * spaces before {@code /} and {@code (}, turns {@code ,} and {@code ;} into spaces, compresses whitespace
 * and lower-cases.
 */
public final class CmdLine implements Transformation {

  /** What {@link #unchanged} looks for: bytes it deletes or rewrites, upper case, and the space. */
  private static final ByteSet REWRITTEN = ByteSet.of("\"'\\^,;\t\r\n ABCDEFGHIJKLMNOPQRSTUVWXYZ");

  @Override
  public ByteSet changes() {
    return REWRITTEN;
  }

  /** It deletes bytes, lower-cases letters and makes a space of whitespace, "," and ";". */
  @Override
  public ByteSet inputsFor(ByteSet out) {
    ByteSet in = out.withBothCases();
    return out.contains(' ') ? in.union(ByteSet.of(",;\t\r\n")) : in;
  }

  @Override
  public String transform(String in) {
    return unchanged(in) ? in : rewrite(in).toString(); // unchanged() is exact: no need to compare the copy
  }

  /**
   * It never inserts a byte, so an output as long as its input deleted nothing and maps byte to byte: a space
   * for a separator (which no case folding equates with it) or a lower-case letter. Equal ignoring case, it
   * only lower-cased ASCII letters.
   */
  @Override
  public boolean changesOnlyAsciiCase(String in, String out) {
    return out.length() == in.length() && in.equalsIgnoreCase(out);
  }

  /**
   * Whether {@link #normalise} would return the value as it is: nothing to delete, lower-case or turn into a
   * space, no run of spaces, no space before {@code /} or {@code (}. One read instead of a copy and a compare.
   */
  static boolean unchanged(String in) {
    char prev = 0;
    for (int i = 0, n = in.length(); i < n; i++) {
      char c = in.charAt(i);
      switch (c) {
        case '"', '\'', '\\', '^', ',', ';', '\t', '\r', '\n' -> {
          return false;
        }
        case ' ' -> {
          if (prev == ' ') {
            return false;
          }
        }
        case '/', '(' -> {
          if (prev == ' ') {
            return false;
          }
        }
        default -> {
          if (c >= 'A' && c <= 'Z') {
            return false;
          }
        }
      }
      prev = c;
    }
    return true;
  }

  static String normalise(String in) {
    return Transformation.result(in, rewrite(in));
  }

  private static StringBuilder rewrite(String in) {
    StringBuilder sb = new StringBuilder(in.length());
    boolean space = false;
    for (int i = 0; i < in.length(); i++) {
      char c = in.charAt(i);
      switch (c) {
        case '"', '\'', '\\', '^' -> { }
        case ' ', ',', ';', '\t', '\r', '\n' -> {
          if (!space) {
            sb.append(' ');
            space = true;
          }
        }
        case '/', '(' -> {
          if (space) {
            sb.setLength(sb.length() - 1);
          }
          space = false;
          sb.append(c);
        }
        default -> {
          sb.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
          space = false;
        }
      }
    }
    return sb;
  }
}
