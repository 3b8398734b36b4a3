package io.bastion.security.waf.operators;

/**
 * {@code @unconditionalMatch} (always true) and {@code @noMatch} (always false); also stands in for
 * operators Bastion accepts but does not run ({@code @rbl}, {@code @geoLookup}: never match, with a
 * warning at load time).
 */
public final class Constant implements Operator {

  public static final Constant ALWAYS = new Constant(true);
  public static final Constant NEVER = new Constant(false);

  private final boolean result;

  private Constant(boolean result) {
    this.result = result;
  }

  @Override
  public boolean matches(MatchContext ctx, String input) {
    if (result && ctx.capturing()) {
      ctx.capture(0, input);
    }
    return result;
  }

  @Override
  public boolean dependsOnValueOnly() {
    return true;
  }
}
