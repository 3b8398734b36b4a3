package io.bastion.security.waf.transformations;

/** {@code t:trim}, {@code t:trimLeft}, {@code t:trimRight}: remove whitespace at either or both ends. */
public final class Trim implements Transformation {

  private final boolean left;
  private final boolean right;

  public Trim(boolean left, boolean right) {
    this.left = left;
    this.right = right;
  }

  @Override
  public String transform(String in) {
    int start = 0;
    int end = in.length();
    while (left && start < end && Bytes.isSpace(in.charAt(start))) {
      start++;
    }
    while (right && end > start && Bytes.isSpace(in.charAt(end - 1))) {
      end--;
    }
    return start == 0 && end == in.length() ? in : in.substring(start, end);
  }
}
