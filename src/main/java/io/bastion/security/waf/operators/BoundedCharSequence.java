package io.bastion.security.waf.operators;

/**
 * The ReDoS guard. {@code java.util.regex} backtracks, so a hostile input can make one CRS pattern run for
 * minutes. Every match runs over this wrapper, which counts {@code charAt} calls (each backtracking step
 * reads the input) and aborts with {@link RegexBudgetExceededException} once the budget is spent.
 *
 * <p>The bound: {@value #BASE_STEPS} steps plus {@value #STEPS_PER_CHAR} per input character, per
 * evaluation — linear in the input, so benign matching (linear or near-linear) never reaches it, while
 * exponential or high-polynomial backtracking is cut off after a few milliseconds. An aborted evaluation
 * counts as "no match" and sets {@code TX:MSC_PCRE_LIMITS_EXCEEDED}, the same contract as ModSecurity's
 * PCRE match limit, so a rule can still act on it. {@code java.util.regex} also recurses once per
 * repetition of a group, so a long value can exhaust the thread stack: {@link Rx} treats a
 * {@code StackOverflowError} from a match exactly like an exhausted budget.
 */
public final class BoundedCharSequence implements CharSequence {

  static final long BASE_STEPS = 1_000_000L;
  static final long STEPS_PER_CHAR = 1_000L;

  private String s;
  private long remaining;

  public BoundedCharSequence(String s) {
    this(s, budgetFor(s));
  }

  /** The per-evaluation budget for an input. */
  public static long budgetFor(String s) {
    return BASE_STEPS + STEPS_PER_CHAR * s.length();
  }

  /** A sequence allowed at most {@code remaining} steps (the smaller of the evaluation and request budget). */
  public BoundedCharSequence(String s, long remaining) {
    this.s = s;
    this.remaining = remaining;
  }

  @Override
  public char charAt(int index) {
    if (--remaining < 0) {
      throw new RegexBudgetExceededException();
    }
    return s.charAt(index);
  }

  /** Drops the reference to the input, so a reused matcher does not keep request data alive. */
  public void release() {
    s = "";
  }

  /** Steps left; the caller charges the difference to the transaction. */
  public long remaining() {
    return remaining;
  }

  @Override
  public int length() {
    return s.length();
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    return new BoundedCharSequence(s.substring(start, end), remaining);
  }

  @Override
  public String toString() {
    return s;
  }
}
