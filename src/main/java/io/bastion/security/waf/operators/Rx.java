package io.bastion.security.waf.operators;

import io.bastion.security.waf.transformations.ByteSet;

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
  /** What the literals of a value must satisfy for the pattern to match it (see {@link RequiredLiterals}). */
  private final LiteralCondition condition;
  /** The condition's literals (lower case). */
  private final List<String> required;
  /** The condition with its own automaton, for contexts without the rule set's index. */
  private final LiteralPrefilter prefilter;
  private final ThreadLocal<Matcher> matchers;
  /** The rule set's index and this pattern's two scratch slots in it (matcher, automaton states); -1 without. */
  private final LiteralIndex index;
  private final int slot;
  /** Says "no match" without backtracking for most values the literal prefilter lets through; null when off. */
  private final NoMatchDfa noMatch;
  /**
   * For a pattern {@code ^X$} the strict reader describes exactly, an anchored automaton that answers "matches"
   * and "does not match" alike ({@link NoMatchDfa#matchesWhole}); used when no capture is wanted. Null otherwise.
   */
  private final NoMatchDfa whole;

  /**
   * The literals of the condition's strongest single clause ({@link LiteralCondition#oneClause}) as ids of the
   * rule set's index (null without an index), as the non-zero words of a bitmap: {@code maskBits[k]} is word
   * {@code maskWords[k]}. A value holding none of them cannot satisfy the condition.
   */
  private final int[] maskWords;
  private final long[] maskBits;
  /** The condition over the index's ids; null when any one of the literals suffices. */
  private final LiteralCondition conditionByIndexId;
  /** Bytes a matching value must hold one of ({@link RequiredBytes}); every byte with the prefilter off. */
  private final ByteSet requiredBytes;

  public Rx(String argument) {
    this(argument, true, null);
  }

  public Rx(String argument, boolean prefilter) {
    this(argument, prefilter, null);
  }

  /**
   * @param prefilter false turns the required-literal shortcut off (used to prove it changes nothing)
   * @param index the rule set's literal index: when given, the prefilter uses the transaction's one scan
   *              per value instead of scanning the value itself
   */
  public Rx(String argument, boolean prefilter, LiteralIndex index) {
    this.pattern = PcreTranslator.compile(argument);
    this.condition = prefilter ? RequiredLiterals.condition(pattern.pattern()) : null;
    this.required = condition == null ? null : condition.literals();
    this.prefilter = condition == null ? null : LiteralPrefilter.of(pattern.pattern());
    this.noMatch = prefilter ? NoMatchDfa.of(pattern.pattern()) : null;
    this.whole = prefilter ? NoMatchDfa.whole(pattern.pattern()) : null;
    this.requiredBytes = condition == null ? ByteSet.ALL : condition.requiredBytes();
    if (required == null || index == null) {
      this.maskWords = null;
      this.maskBits = null;
      this.conditionByIndexId = null;
    } else {
      int[] ids = index.register(required);
      java.util.Map<String, Integer> byLiteral = ids(required, ids);
      // The mask is the condition's strongest single clause, not the union of all its literals: every value
      // satisfying the condition holds one of that clause's literals, and a value holding only a weak one
      // ("." or ":", in nearly every value) is then ruled out by two bit tests instead of the whole tree.
      long[] mask = mask(condition.oneClause().stream().mapToInt(byLiteral::get).toArray()).toLongArray();
      this.maskWords = java.util.stream.IntStream.range(0, mask.length).filter(w -> mask[w] != 0).toArray();
      this.maskBits = java.util.Arrays.stream(maskWords).mapToLong(w -> mask[w]).toArray();
      this.conditionByIndexId = condition.isSingleClause() ? null : condition.bind(byLiteral);
    }
    Pattern compiled = this.pattern;
    this.matchers = ThreadLocal.withInitial(() -> compiled.matcher(""));
    this.index = index;
    this.slot = index == null ? -1 : index.newSlots(whole == null ? 2 : 3);
  }

  private static java.util.Map<String, Integer> ids(List<String> literals, int[] ids) {
    java.util.Map<String, Integer> out = new java.util.HashMap<>();
    for (int i = 0; i < ids.length; i++) {
      out.put(literals.get(i), ids[i]);
    }
    return out;
  }

  private static java.util.BitSet mask(int[] ids) {
    java.util.BitSet mask = new java.util.BitSet();
    for (int id : ids) {
      mask.set(id);
    }
    return mask;
  }

  /** The literals the prefilter looks for (lower case), or null when it has none. */
  public List<String> requiredLiterals() {
    return required;
  }

  /** The prefilter's condition, for tests and diagnostics ("all[...]"/"any[...]"), or null. */
  public String literalCondition() {
    return condition == null ? null : condition.toString();
  }

  @Override
  public ByteSet requiredBytes() {
    return requiredBytes;
  }

  /** False when the input cannot match because its literals do not satisfy the pattern's condition. */
  public boolean mayMatch(String input) {
    return prefilter == null || prefilter.mayMatch(input);
  }

  /** The prefilter against the transaction's cached scan of the value ({@link LiteralIndex#scanBits}). */
  private boolean mayMatch(long[] hits) {
    if (hits.length == 0) {
      return false; // the usual case: the value holds no literal of the whole rule set
    }
    boolean any = false;
    for (int k = 0; k < maskWords.length && !any; k++) {
      int w = maskWords[k];
      any = w < hits.length && (hits[w] & maskBits[k]) != 0;
    }
    return any && (conditionByIndexId == null || conditionByIndexId.holds(hits));
  }

  /** The literal condition is monotone (more literals never make it fail), so it can be tested on a union. */
  @Override
  public boolean mayMatchWithin(long[] hits, LiteralIndex index) {
    return maskWords == null || index != this.index || mayMatch(hits);
  }

  /** Whether the pattern has a {@link NoMatchDfa} (with the prefilter on, nearly every CRS pattern does). */
  public boolean hasNoMatchAutomaton() {
    return noMatch != null;
  }

  /** The automaton's answer alone: false means the regex cannot find a match (true without an automaton). */
  public boolean automatonMayFind(String input) {
    return noMatch == null || noMatch.mayFind(input);
  }

  /** Whether the pattern has an exact anchored automaton ({@link NoMatchDfa#whole}). */
  public boolean hasWholeValueAutomaton() {
    return whole != null;
  }

  /**
   * The anchored automaton's answer alone: 1 when the regex finds a match, 0 when it does not, -1 when the
   * automaton leaves the value to the regex (or there is none).
   */
  public int automatonMatchesWhole(String input) {
    return whole == null ? -1 : whole.matchesWhole(input);
  }

  private Matcher matcher(Object[] slots) {
    Matcher m = (Matcher) slots[slot];
    if (m == null) {
      m = pattern.matcher("");
      slots[slot] = m;
    }
    return m;
  }

  private Object states(Object[] slots) {
    Object st = slots[slot + 1];
    if (st == null) {
      st = noMatch.newStates();
      slots[slot + 1] = st;
    }
    return st;
  }

  private Object wholeStates(Object[] slots) {
    Object st = slots[slot + 2];
    if (st == null) {
      st = whole.newStates();
      slots[slot + 2] = st;
    }
    return st;
  }

  public Pattern pattern() {
    return pattern;
  }

  @Override
  public boolean matches(MatchContext ctx, String input) {
    if (maskWords != null) {
      long[] hits = ctx.literalHits(input);
      if (hits != null) {
        if (!mayMatch(hits)) {
          return false;
        }
      } else if (!mayMatch(input)) {
        return false;
      }
    } else if (!mayMatch(input)) {
      return false;
    }
    Object[] slots = slot < 0 ? null : ctx.threadSlots(index);
    if (whole != null && !ctx.capturing()) {
      int answer = slots == null ? whole.matchesWhole(input) : whole.matchesWhole(input, wholeStates(slots));
      // a match found once the request's regex budget is spent stays the regex's (it reports the budget instead)
      if (answer == 0 || answer == 1 && ctx.remainingRegexSteps() > 0) {
        return answer == 1;
      }
    }
    if (noMatch != null && !(slots == null ? noMatch.mayFind(input) : noMatch.mayFind(input, states(slots)))) {
      return false;
    }
    long allowed = Math.min(BoundedCharSequence.budgetFor(input), ctx.remainingRegexSteps());
    if (allowed <= 0) {
      ctx.regexBudgetExceeded(pattern.pattern());
      return false;
    }
    BoundedCharSequence seq = new BoundedCharSequence(input, allowed);
    // Matchers are expensive to allocate for the big CRS patterns; each thread reuses its own.
    Matcher m = (slots == null ? matchers.get() : matcher(slots)).reset(seq);
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

  @Override
  public boolean dependsOnValueOnly() {
    return true;
  }
}
