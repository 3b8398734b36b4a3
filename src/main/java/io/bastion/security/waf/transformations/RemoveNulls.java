package io.bastion.security.waf.transformations;

/** {@code t:removeNulls} (or, with {@code replace}, {@code t:replaceNulls}: NUL to a space). */
public final class RemoveNulls implements Transformation {

  private static final ByteSet NUL = ByteSet.NONE.with(0);

  private final boolean replace;

  public RemoveNulls(boolean replace) {
    this.replace = replace;
  }

  @Override
  public ByteSet changes() {
    return NUL;
  }

  /** Removing creates nothing; replacing makes a space of a NUL. */
  @Override
  public ByteSet inputsFor(ByteSet out) {
    return replace && out.contains(' ') ? out.with(0) : out;
  }

  @Override
  public String transform(String in) {
    if (in.indexOf('\0') < 0) {
      return in;
    }
    return replace ? in.replace('\0', ' ') : in.replace("\0", "");
  }
}
