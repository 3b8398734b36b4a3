package io.bastion.security.waf;

import io.bastion.security.waf.actions.Ctl;
import io.bastion.security.waf.actions.RuleAction;
import io.bastion.security.waf.actions.SetVar;
import io.bastion.security.waf.operators.NumericCompare;
import io.bastion.security.waf.variables.KeyedValues;
import io.bastion.security.waf.variables.Target;
import io.bastion.security.waf.variables.Variable;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A run of consecutive rules of one phase whose whole effect is a function of a few TX variables: they read nothing
 * but TX variables by name and constants, and do nothing but write TX (the CRS's set-up rules, its paranoia-level
 * skips and its score sums, ~60 rules of a read). A transaction that reaches the run's start with nothing to skip,
 * and no runtime removal touching its rules, looks the TX variables it reads up; when an earlier transaction of the
 * rule set ran it from the same values, its recorded {@link Outcome} (TX writes, matched rules, MATCHED_VAR(S), regex
 * steps, the skip it ends in) is applied instead of evaluating the rules one by one. Evaluating them again gives
 * exactly that outcome: nothing else they could read, no other effect they could have (see {@link #qualifies}).
 * Immutable but for the outcomes, which it publishes as a whole array: shared by every thread of the rule set.
 */
final class TxSegment {

  /** Outcomes kept per segment: a benign request's inputs, and a few others (a score that is not 0). */
  static final int MAX_OUTCOMES = 8;
  /** An input value longer than this (a TX value copied from the request) is not worth keeping an outcome for. */
  static final int MAX_INPUT_LENGTH = 256;
  /**
   * Even one rule is worth it: looking its inputs up and applying its outcome cost less than its evaluation, match and
   * matched-rule record (the CRS read: fhirReadNewId ~2-3 us less with single-rule segments than with 2 at least).
   */
  static final int MIN_RULES = 1;

  private final int start;
  private final int end;
  private final String[] inputKeys;
  private final int minId;
  private final int maxId;
  private final long[] tagBits;
  private volatile Outcome[] outcomes = new Outcome[0];

  /**
   * What running the segment from one set of inputs did.
   *
   * @param inputs     per {@link #inputKeys() input key}, the TX members with that key when it started
   * @param deleted    lower-cased keys of the TX variables it deleted (and did not set again)
   * @param written    the TX members it set, in the order of their last write (so applying them in order leaves TX
   *                   members in the same order)
   * @param ctls       the {@code ctl} actions that ran, in order
   * @param matches    the rules that matched, in order
   * @param matchedVar whether MATCHED_VAR and MATCHED_VAR_NAME were set (to the two values that follow)
   * @param matchedVars MATCHED_VARS' members when it ended, or null when no rule was evaluated (left as it was)
   * @param regexSteps the regex steps it spent
   * @param skipTo     the number of the marker the phase was skipping to when the segment ended
   *                   ({@link PhaseWalk#markers}), or -1
   * @param skip       the rules left to skip ({@code skip:n}) when it ended
   */
  record Outcome(KeyedValues.Entry[][] inputs, String[] deleted, KeyedValues.Entry[] written, RuleAction[] ctls,
      MatchedRule[] matches,
      boolean matchedVar, String matchedVarValue, String matchedVarName, KeyedValues.Entry[] matchedVars,
      long regexSteps, int skipTo, int skip) {
  }

  private TxSegment(int start, int end, String[] inputKeys, int minId, int maxId, long[] tagBits) {
    this.start = start;
    this.end = end;
    this.inputKeys = inputKeys;
    this.minId = minId;
    this.maxId = maxId;
    this.tagBits = tagBits;
  }

  /**
   * Per index of the phase's rules, the segment that starts there, or null. Within a run of qualifying rules there is
   * one from each index to the run's end: a phase often enters a run past its first rule, at the marker a
   * {@code skipAfter} ended on (the CRS skips each file's higher paranoia-level rules that way).
   */
  static TxSegment[] of(List<Rule> phase) {
    TxSegment[] starts = new TxSegment[phase.size()];
    int i = 0;
    while (i < phase.size()) {
      List<Set<String>> reads = new ArrayList<>();
      int end = i;
      while (end < phase.size()) {
        Set<String> keys = new LinkedHashSet<>();
        if (!qualifies(phase.get(end), keys)) {
          break;
        }
        reads.add(keys);
        end++;
      }
      Set<String> keys = new LinkedHashSet<>();
      List<String> tags = new ArrayList<>();
      int rules = 0;
      int min = Integer.MAX_VALUE;
      int max = Integer.MIN_VALUE;
      for (int from = end - 1; from >= i; from--) {
        Rule r = phase.get(from);
        keys.addAll(reads.get(from - i));
        if (r.marker() == null) {
          rules++;
          min = Math.min(min, r.id());
          max = Math.max(max, r.id());
          tags.addAll(r.tags());
        }
        if (rules >= MIN_RULES) {
          starts[from] = new TxSegment(from, end, keys.toArray(new String[0]), min, max, TagIds.bits(tags));
        }
      }
      i = Math.max(end, i + 1);
    }
    return starts;
  }

  /** References a rule's own match sets before its actions and message read them. */
  private static final Set<Variable> SET_BY_MATCH = EnumSet.of(Variable.MATCHED_VAR, Variable.MATCHED_VAR_NAME,
      Variable.MATCHED_VARS, Variable.MATCHED_VARS_NAMES, Variable.RULE);
  private static final Set<Variable> RULE_ONLY = EnumSet.of(Variable.RULE);

  /**
   * Whether the rule (a marker, or a chain) may be part of a segment, adding the TX keys it reads to {@code keys}:
   * every link reads only TX variables by exact name; its operator depends on the value alone, or compares numbers
   * with a macro of TX variables; its only actions are {@code setvar}s on TX whose names and values expand TX
   * variables by name (or, for a rule with targets, what its own match set), or {@code ctl}s (constants, replayed as
   * they ran); its message and log data likewise. A disruptive rule may be part of one: an outcome is kept only when
   * no disruptive rule matched, so neither the engine mode nor an interruption depends on it. Everything else
   * (initcol, expirevar, other collections, request variables, time, unique id) ends a segment.
   */
  static boolean qualifies(Rule starter, Set<String> keys) {
    if (starter.marker() != null) {
      return true;
    }
    Set<String> reads = new LinkedHashSet<>();
    Set<Variable> allowed = starter.unconditional() ? RULE_ONLY : SET_BY_MATCH;
    for (Rule r = starter; r != null; r = r.chained()) {
      if (!r.unconditional() && !readsTxByName(r, reads)) {
        return false;
      }
      for (RuleAction a : r.actionArray()) {
        if (a instanceof Ctl) {
          continue; // its option and value are constants: the same change to the transaction every time it runs
        }
        if (!(a instanceof SetVar set) || !set.collection().equals("tx")
            || !set.name().readsOnlyTx(allowed, reads) || !set.value().readsOnlyTx(allowed, reads)) {
          return false;
        }
        if (set.readsTarget()) {
          if (!set.name().isConstant()) {
            return false; // which variable it reads is not known before it runs
          }
          reads.add(set.name().expand(null).toLowerCase(java.util.Locale.ROOT));
        }
      }
    }
    if (starter.msg() != null && !starter.msg().readsOnlyTx(allowed, reads)
        || starter.logData() != null && !starter.logData().readsOnlyTx(allowed, reads)) {
      return false;
    }
    keys.addAll(reads);
    return true;
  }

  private static boolean readsTxByName(Rule r, Set<String> reads) {
    if (r.targets().size() == 0 || !r.targets().exclusions().isEmpty()) {
      return false;
    }
    for (int k = 0; k < r.targets().size(); k++) {
      Target t = r.targets().include(k);
      if (t.variable() != Variable.TX || t.key() == null || t.keyRegex() != null) {
        return false;
      }
      reads.add(t.key());
    }
    if (r.operator().dependsOnValueOnly()) {
      return true;
    }
    return r.operator() instanceof NumericCompare compare && compare.argument().readsOnlyTx(Set.of(), reads);
  }

  int start() {
    return start;
  }

  /** The index after the segment's last rule. */
  int end() {
    return end;
  }

  /** Lower-cased names of the TX variables whose values decide the segment's outcome. */
  String[] inputKeys() {
    return inputKeys;
  }

  /** Whether a rule removal by id of {@code fromId..toId} could name one of the segment's rules. */
  boolean mayHoldIds(IdRanges ranges) {
    return ranges.size() > 0 && ranges.overlaps(minId, maxId);
  }

  /** Whether one of the segment's rules carries the tag ({@link TagIds} id). */
  boolean mayHoldTag(int tagId) {
    return TagIds.has(tagBits, tagId);
  }

  /** The outcome recorded for these inputs (as {@link #inputKeys()}), or null. */
  Outcome find(KeyedValues.Entry[][] now) {
    for (Outcome o : outcomes) {
      if (sameInputs(o.inputs(), now)) {
        return o;
      }
    }
    return null;
  }

  /** Whether there is room for another outcome. */
  boolean hasRoom() {
    return outcomes.length < MAX_OUTCOMES;
  }

  /** Keeps an outcome (unless full, or one for the same inputs was kept meanwhile by another thread). */
  synchronized void keep(Outcome o) {
    Outcome[] now = outcomes;
    if (now.length >= MAX_OUTCOMES) {
      return;
    }
    for (Outcome kept : now) {
      if (sameInputs(kept.inputs(), o.inputs())) {
        return;
      }
    }
    Outcome[] grown = java.util.Arrays.copyOf(now, now.length + 1);
    grown[now.length] = o;
    outcomes = grown;
  }

  private static boolean sameInputs(KeyedValues.Entry[][] a, KeyedValues.Entry[][] b) {
    for (int k = 0; k < a.length; k++) {
      KeyedValues.Entry[] x = a[k];
      KeyedValues.Entry[] y = b[k];
      if (x == y) {
        continue;
      }
      if (x.length != y.length) {
        return false;
      }
      for (int m = 0; m < x.length; m++) {
        if (x[m] != y[m] && (!x[m].key().equals(y[m].key()) || !x[m].value().equals(y[m].value()))) {
          return false;
        }
      }
    }
    return true;
  }
}
