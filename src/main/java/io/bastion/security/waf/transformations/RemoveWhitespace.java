package io.bastion.security.waf.transformations;

/** {@code t:removeWhitespace}: drops every whitespace byte (including NBSP). */
public final class RemoveWhitespace implements Transformation {
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
