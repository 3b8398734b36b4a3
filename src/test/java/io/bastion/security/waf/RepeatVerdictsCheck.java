package io.bastion.security.waf;

import io.bastion.security.waf.variables.KeyedValues;
import io.bastion.security.waf.variables.Variable;
import java.util.List;

/**
 * What a transaction did, in full, for tests that compare the engine with and without the verdicts kept from
 * earlier requests ({@link RepeatVerdicts}): every matched rule with its message, log data and matched variable
 * names, the interruption, the TX collection at the end, the regex steps charged, the budget flag and errors.
 */
public record RepeatVerdictsCheck(List<MatchedRule> matched, Interruption interruption, List<KeyedValues.Entry> tx,
    long regexSteps, boolean budgetExhausted, List<String> errors) {

  public static RepeatVerdictsCheck of(Transaction t) {
    return new RepeatVerdictsCheck(List.copyOf(t.matchedRules()), t.interruption(),
        List.copyOf(t.collection(Variable.TX).entries()), t.regexStepsUsed(), t.evaluationBudgetExhausted(),
        List.copyOf(t.errors()));
  }
}
