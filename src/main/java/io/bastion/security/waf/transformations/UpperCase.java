package io.bastion.security.waf.transformations;

/** {@code t:uppercase}: ASCII letters to upper case. */
public final class UpperCase implements Transformation {
  @Override
  public String transform(String in) {
    char[] out = in.toCharArray();
    boolean changed = false;
    for (int j = 0; j < out.length; j++) {
      if (out[j] >= 'a' && out[j] <= 'z') {
        out[j] = (char) (out[j] - 32);
        changed = true;
      }
    }
    return changed ? new String(out) : in;
  }
}
