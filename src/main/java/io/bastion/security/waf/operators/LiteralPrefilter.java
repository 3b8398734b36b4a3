package io.bastion.security.waf.operators;

import java.util.List;

/**
 * A regex's {@link LiteralCondition} with its own Aho-Corasick automaton, for operators that scan a value
 * themselves rather than through the rule set's {@link LiteralIndex} ({@code @rx} without an index,
 * {@code @detectXSS}). Immutable and thread-safe.
 */
final class LiteralPrefilter {

  private final List<String> literals;
  private final AhoCorasick automaton;
  private final LiteralCondition condition;

  private LiteralPrefilter(LiteralCondition condition) {
    this.literals = condition.literals();
    this.automaton = new AhoCorasick(literals);
    java.util.Map<String, Integer> ids = new java.util.HashMap<>();
    for (int i = 0; i < literals.size(); i++) {
      ids.put(literals.get(i), i);
    }
    this.condition = condition.bind(ids);
  }

  /** The prefilter of a (Java) pattern, or null when {@link RequiredLiterals} finds no requirement. */
  static LiteralPrefilter of(String javaPattern) {
    LiteralCondition c = RequiredLiterals.condition(javaPattern);
    return c == null ? null : new LiteralPrefilter(c);
  }

  /** False when the input cannot match: its literals do not satisfy the condition. */
  boolean mayMatch(String input) {
    long[] present = automaton.findAllBits(input);
    return present != null && condition.holds(present);
  }

  List<String> literals() {
    return literals;
  }
}
