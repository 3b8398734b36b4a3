package io.bastion.security.waf.transformations;

/** {@code t:length}: the value's length in bytes, as a decimal string. */
public final class Length implements Transformation {
  @Override
  public String transform(String in) {
    return Transformation.result(in, Integer.toString(in.length()));
  }
}
