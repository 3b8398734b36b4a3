package io.bastion.security.waf;

import io.bastion.security.waf.parser.SecLangParser;
import io.bastion.security.waf.variables.KeyedValues;
import io.bastion.security.waf.variables.Variable;
import java.nio.file.Path;
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

  /** A test's own small rule set, compiled from SecLang text. */
  static WafEngine engine(String rules) throws WafConfigException {
    return new WafEngine(SecLangParser.standard().parseText(Path.of("t.conf"), rules).compile());
  }

  /** A GET of {@code uri} with one Host header, run with ({@code kept}) or without the verdicts kept so far. */
  static Transaction get(WafEngine engine, String uri, String host, boolean kept) {
    Transaction tx = engine.newTransaction(new WafRequest("GET", uri, "HTTP/1.1",
        List.of(new WafRequest.Header("Host", host)), null, "10.0.0.1"));
    if (!kept) {
      tx.disableRepeatVerdicts();
    }
    tx.processRequest();
    return tx;
  }
}
