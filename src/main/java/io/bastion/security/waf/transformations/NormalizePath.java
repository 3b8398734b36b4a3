package io.bastion.security.waf.transformations;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * {@code t:normalizePath}: collapses repeated slashes and resolves {@code .} and {@code ..} segments; with
 * {@code windows} ({@code t:normalizePathWin}) backslashes are turned into slashes first. A leading
 * {@code ..} that cannot be resolved is kept, as in ModSecurity.
 */
public final class NormalizePath implements Transformation {

  private final boolean windows;

  public NormalizePath(boolean windows) {
    this.windows = windows;
  }

  /** What {@link #unchanged} looks for: a leading dot, a slash before a slash or a dot, a backslash. */
  private static final ByteSet UNIX = ByteSet.of("./");
  private static final ByteSet WINDOWS = ByteSet.of("./\\");

  @Override
  public ByteSet changes() {
    return windows ? WINDOWS : UNIX;
  }

  /**
   * Segments are kept or dropped whole, so the only byte made from something else is "/": from a backslash
   * in the Windows form, and from a lone ".." ("../").
   */
  @Override
  public ByteSet inputsFor(ByteSet out) {
    if (!out.contains('/')) {
      return out;
    }
    ByteSet in = out.with('.');
    return windows ? in.with('\\') : in;
  }

  @Override
  public String transform(String in) {
    return unchanged(in) ? in : normalise(in);
  }

  /**
   * Whether {@link #normalise} would return the value as it is: no empty segment ({@code //}), no segment that
   * starts with a dot (so none is {@code .} or {@code ..}), no backslash for the Windows form. One read instead of
   * a split, a join and a compare.
   */
  boolean unchanged(String in) {
    if (in.startsWith(".")) {
      return false;
    }
    char prev = 0;
    for (int i = 0, n = in.length(); i < n; i++) {
      char c = in.charAt(i);
      if (prev == '/' && (c == '/' || c == '.') || windows && c == '\\') {
        return false;
      }
      prev = c;
    }
    return true;
  }

  String normalise(String in) {
    String s = windows ? in.replace('\\', '/') : in;
    if (s.isEmpty()) {
      return in;
    }
    boolean absolute = s.startsWith("/");
    boolean trailing = s.endsWith("/") || s.endsWith("/.") || s.endsWith("/..") || s.equals(".")
        || s.equals("..");
    Deque<String> out = new ArrayDeque<>();
    for (String seg : s.split("/", -1)) {
      if (seg.isEmpty() || seg.equals(".")) {
        continue;
      }
      if (seg.equals("..")) {
        if (!out.isEmpty() && !out.peekLast().equals("..")) {
          out.removeLast();
        } else if (!absolute) {
          out.addLast("..");
        }
        continue;
      }
      out.addLast(seg);
    }
    StringBuilder sb = new StringBuilder(s.length());
    if (absolute) {
      sb.append('/');
    }
    sb.append(String.join("/", out));
    if (trailing && !out.isEmpty()) {
      sb.append('/');
    }
    return Transformation.result(in, sb);
  }
}
