package io.bastion.security.waf.transformations;

/** {@code t:lowercase}: ASCII letters to lower case (bytes above 0x7f untouched, as in C's tolower). */
public final class LowerCase implements Transformation {

  private static final ByteSet UPPER = ByteSet.of("ABCDEFGHIJKLMNOPQRSTUVWXYZ");

  @Override
  public ByteSet changes() {
    return UPPER;
  }

  @Override
  public boolean changesOnlyAsciiCase(String in, String out) {
    return true;
  }

  /** A lower-case letter may come from its upper case. */
  @Override
  public ByteSet inputsFor(ByteSet out) {
    return out.withBothCases();
  }

  @Override
  public String transform(String in) {
    for (int i = 0; i < in.length(); i++) {
      char c = in.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        char[] out = in.toCharArray();
        for (int j = i; j < out.length; j++) {
          if (out[j] >= 'A' && out[j] <= 'Z') {
            out[j] = (char) (out[j] + 32);
          }
        }
        return new String(out);
      }
    }
    return in;
  }
}
