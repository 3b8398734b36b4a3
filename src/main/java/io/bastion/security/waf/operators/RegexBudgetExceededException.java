package io.bastion.security.waf.operators;

/** Thrown from inside a regex match when it has used up its step budget; see {@link BoundedCharSequence}. */
public final class RegexBudgetExceededException extends RuntimeException {

  public RegexBudgetExceededException() {
    super("regular expression step budget exceeded", null, false, false);
  }
}
