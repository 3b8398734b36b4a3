package io.bastion.security.waf.operators;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code @rx pattern}: PCRE-compatible regular expression search (see {@link PcreTranslator}), bounded by
 * {@link BoundedCharSequence}, and skipped outright when the input lacks every literal the pattern
 * requires ({@link RequiredLiterals}). With {@code capture}, groups 0-9 go to TX:0-9.
 * Example: {@code SecRule ARGS "@rx (?i)union\s+select" "id:1,capture,..."}.
 */
public final class Rx implements Operator {

  private final Pattern pattern;
  private final List<String> required;
  private final AhoCorasick prefilter;
  private final ThreadLocal<Matcher> matchers;

  /** This pattern's literals as ids of the rule set's index (null without an index). */
  private final java.util.BitSet literalMask;

  public Rx(String argument) {
    this(argument, true, null);
  }

  public Rx(String argument, boolean prefilter) {
    this(argument, prefilter, null);
  }

  /** {@code prefilter=false} turns the required-literal shortcut off (used to prove it changes nothing). */
  /**
   * @param index the rule set's literal index: when given, the prefilter uses the transaction's one scan
   *              per value instead of scanning the value itself
   */
  public Rx(String argument, boolean prefilter, LiteralIndex index) {
    this.pattern = PcreTranslator.compile(argument);
    this.required = prefilter ? RequiredLiterals.of(pattern.pattern()) : null;
    this.prefilter = required == null ? null : new AhoCorasick(required);
    this.literalMask = required == null || index == null ? null : mask(index.register(required));
    Pattern compiled = this.pattern;
    this.matchers = ThreadLocal.withInitial(() -> compiled.matcher(""));
  }

  private static java.util.BitSet mask(int[] ids) {
    java.util.BitSet mask = new java.util.BitSet();
    for (int id : ids) {
      mask.set(id);
    }
    return mask;
  }

  /** The literals one of which any match must contain (lower case), or null when there is no such set. */
  public List<String> requiredLiterals() {
    return required;
  }

  /** False when the input cannot match because it holds none of the required literals. */
  public boolean mayMatch(String input) {
    return prefilter == null || prefilter.find(input) != null;
  }

  public Pattern pattern() {
    return pattern;
  }

  @Override
  public boolean matches(MatchContext ctx, String input) {
    if (literalMask != null) {
      int[] hits = ctx.literalHits(input);
      if (hits != null) {
        // cost in proportion to the literals present (usually none), not to this pattern's literal count
        boolean any = false;
        for (int id : hits) {
          if (literalMask.get(id)) {
            any = true;
            break;
          }
        }
        if (!any) {
          return false;
        }
      } else if (!mayMatch(input)) {
        return false;
      }
    } else if (!mayMatch(input)) {
      return false;
    }
    long allowed = Math.min(BoundedCharSequence.budgetFor(input), ctx.remainingRegexSteps());
    if (allowed <= 0) {
      ctx.regexBudgetExceeded(pattern.pattern());
      return false;
    }
    BoundedCharSequence seq = new BoundedCharSequence(input, allowed);
    // Matchers are expensive to allocate for the big CRS patterns; each thread reuses its own.
    Matcher m = matchers.get().reset(seq);
    boolean found;
    try {
      found = m.find();
    } catch (RegexBudgetExceededException | StackOverflowError e) {
      seq.release();
      // java.util.regex recurses once per repetition of a group, so a long enough value can also exhaust
      // the thread stack; both are the same "match limit" condition as PCRE's and end the same way.
      ctx.consumeRegexSteps(allowed);
      ctx.regexBudgetExceeded(pattern.pattern());
      return false;
    }
    ctx.consumeRegexSteps(allowed - Math.max(0, seq.remaining()));
    if (found && ctx.capturing()) {
      for (int g = 0; g <= Math.min(9, m.groupCount()); g++) {
        String v = m.group(g);
        ctx.capture(g, v == null ? "" : v);
      }
    }
    seq.release();
    return found;
  }
}
