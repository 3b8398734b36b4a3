package io.bastion.security.waf.operators;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The ReDoS guard: a catastrophically backtracking pattern on hostile input is cut off, quickly. */
class RegexBudgetTest {

  @Test
  void catastrophicBacktrackingIsAbortedAndReported() {
    // Java 17 memoises the textbook (a+)+ case; a counted group with a greedy wildcard still explodes
    // (about 8 s unbounded on this input).
    // (without the automata: the whole-value one answers this anchored pattern without backtracking, below)
    Rx rx = new Rx("^(.*a){12}$", false);
    String hostile = "a".repeat(30) + "!";
    OperatorsTest.Ctx ctx = new OperatorsTest.Ctx();
    boolean matched = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> rx.matches(ctx, hostile));
    assertFalse(matched);
    assertTrue(ctx.budgetHit, "the budget must have been hit, not the match completed");
  }

  @Test
  void theWholeValueAutomatonAnswersAnAnchoredHostilePatternWithoutBacktracking() {
    Rx rx = new Rx("^(.*a){12}$");
    OperatorsTest.Ctx ctx = new OperatorsTest.Ctx();
    assertFalse(assertTimeoutPreemptively(Duration.ofSeconds(2), () -> rx.matches(ctx, "a".repeat(30) + "!")));
    assertTrue(assertTimeoutPreemptively(Duration.ofSeconds(2), () -> rx.matches(ctx, "a".repeat(30))));
    assertFalse(ctx.budgetHit);
    // with the capture wanted (the pattern has a group), the regex still runs: bounded by the budget as before
    ctx.capture = true;
    assertFalse(assertTimeoutPreemptively(Duration.ofSeconds(2), () -> rx.matches(ctx, "a".repeat(30) + "!")));
  }

  @Test
  void nestedAlternationOnLongInputStaysBounded() {
    // without the prefilter and the no-match automaton, so that the backtracking matcher meets the input
    Rx rx = new Rx("(x+x+)+y", false);
    String hostile = "x".repeat(5_000);
    OperatorsTest.Ctx ctx = new OperatorsTest.Ctx();
    assertFalse(assertTimeoutPreemptively(Duration.ofSeconds(3), () -> rx.matches(ctx, hostile)));
    assertTrue(ctx.budgetHit);
  }

  @Test
  void theNoMatchAutomatonRulesOutAHostileValueWithoutBacktracking() {
    Rx rx = new Rx("(x+x+)+y");
    String hostile = "x".repeat(5_000);
    OperatorsTest.Ctx ctx = new OperatorsTest.Ctx();
    assertFalse(assertTimeoutPreemptively(Duration.ofSeconds(3), () -> rx.matches(ctx, hostile)));
    assertFalse(ctx.budgetHit, "no 'y' in the value: the automaton answers before the matcher runs");
  }

  @Test
  void ordinaryMatchingOfALargeValueIsNotCutOff() {
    Rx rx = new Rx("(?i)union\\s+select");
    String benign = "lorem ipsum dolor ".repeat(4_000) + "UNION SELECT";
    OperatorsTest.Ctx ctx = new OperatorsTest.Ctx();
    assertTrue(rx.matches(ctx, benign));
    assertFalse(ctx.budgetHit);
  }
}
