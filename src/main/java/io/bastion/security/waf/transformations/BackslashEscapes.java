package io.bastion.security.waf.transformations;

/**
 * What the decoders of backslash escapes (CSS, JavaScript, ANSI C) claim about bytes: only a backslash starts a
 * change, and a decoded byte comes from itself or from an escape, which starts with a backslash.
 */
abstract class BackslashEscapes implements Transformation {

  private static final ByteSet ESCAPE = ByteSet.of("\\");

  @Override
  public final ByteSet changes() {
    return ESCAPE;
  }

  @Override
  public final ByteSet inputsFor(ByteSet out) {
    return out.with('\\');
  }
}
