package io.bastion.security.waf.operators;

import io.bastion.security.waf.transformations.ByteSet;

/**
 * A compiled SecLang operator ({@code @rx}, {@code @pm}, ...). Instances are built once per rule (the
 * argument pre-compiled) and are shared by every thread, so they hold no per-request state.
 */
@FunctionalInterface
public interface Operator {

  /** Whether the (transformed) value matches. */
  boolean matches(MatchContext ctx, String input);

  /**
   * Bytes of which a (transformed) value must hold at least one for this operator to match it, or
   * {@link ByteSet#ALL} when the operator cannot tell (the default). A rule then skips, before transforming it, a
   * value that holds none of what its chain could turn into one of them.
   */
  default ByteSet requiredBytes() {
    return ByteSet.ALL;
  }

  /**
   * Bytes of which a value must hold one for this operator to match its form through a transformation chain:
   * {@code inputsFor} widens a set of bytes the form needs to the bytes the value needs ({@code TransformChain::inputsFor}).
   * By default {@link #requiredBytes()} widened; an operator that can choose which bytes to require chooses them with
   * the chain's widening in view.
   */
  default ByteSet requiredBytes(java.util.function.UnaryOperator<ByteSet> inputsFor) {
    return inputsFor.apply(requiredBytes());
  }

  /**
   * False when no value whose literals of {@code index} ({@link LiteralIndex#scanBits}) are all among {@code hits}
   * can match: a rule then skips a whole selection of values at once. True (the default) when the operator
   * cannot tell.
   */
  default boolean mayMatchWithin(long[] hits, LiteralIndex index) {
    return true;
  }

  /**
   * Whether the answer for a value depends on nothing but the value (and the operator's compiled argument): no
   * macro argument reading TX or other variables. Such an operator's "no match" for a value may be remembered
   * across requests; an operator that captures must do so only when it matches. False (the default) when unsure.
   */
  default boolean dependsOnValueOnly() {
    return false;
  }
}
