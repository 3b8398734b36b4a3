package io.bastion.security.waf.transformations;

/** {@code t:compressWhitespace}: every run of whitespace bytes (including NBSP) to one space. */
public final class CompressWhitespace implements Transformation {
  @Override
  public String transform(String in) {
    StringBuilder sb = new StringBuilder(in.length());
    boolean inSpace = false;
    for (int i = 0; i < in.length(); i++) {
      char c = in.charAt(i);
      if (Bytes.isSpace(c)) {
        if (!inSpace) {
          sb.append(' ');
        }
        inSpace = true;
      } else {
        sb.append(c);
        inSpace = false;
      }
    }
    return Transformation.result(in, sb);
  }
}
