package io.bastion.security.waf.operators;

import io.bastion.security.waf.variables.VariableSource;

/** What an operator may use of the transaction it runs in. */
public interface MatchContext extends VariableSource {

  /** Whether the rule has {@code capture}: then operators that capture store TX:0..9. */
  boolean capturing();

  /** Stores capture group {@code index} (0-9) as {@code TX:index}. */
  void capture(int index, String value);

  /** Regex steps this transaction may still spend (see {@link BoundedCharSequence}); unlimited by default. */
  default long remainingRegexSteps() {
    return Long.MAX_VALUE;
  }

  /** Charges regex steps to the transaction's budget. */
  default void consumeRegexSteps(long steps) {
  }

  /**
   * The literals of the rule set's {@link LiteralIndex} that occur in the value, as the bitmap of
   * {@link LiteralIndex#scanBits}, computed once per distinct value and cached by the transaction; null when
   * the context has no index.
   */
  default long[] literalHits(String value) {
    return null;
  }

  /**
   * This thread's scratch slots of the rule set whose index is {@code index} ({@link LiteralIndex#threadSlots}),
   * fetched once per phase by a transaction; null when the context has none for that index.
   */
  default Object[] threadSlots(LiteralIndex index) {
    return null;
  }

  /** Records that a regex evaluation hit its step budget (exposed as {@code TX:MSC_PCRE_LIMITS_EXCEEDED}). */
  void regexBudgetExceeded(String ruleContext);
}
