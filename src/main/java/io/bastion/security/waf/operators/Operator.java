package io.bastion.security.waf.operators;

/**
 * A compiled SecLang operator ({@code @rx}, {@code @pm}, ...). Instances are built once per rule (the
 * argument pre-compiled) and are shared by every thread, so they hold no per-request state.
 */
@FunctionalInterface
public interface Operator {

  /** Whether the (transformed) value matches. */
  boolean matches(MatchContext ctx, String input);
}
