package io.bastion.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.security.waf.EngineMode;
import io.bastion.security.waf.MatchedRule;
import io.bastion.security.waf.Transaction;
import io.bastion.security.waf.WafCorpus;
import io.bastion.security.waf.WafEngine;
import io.bastion.security.waf.operators.Operators;
import io.bastion.security.waf.parser.SecLangParser;
import io.bastion.security.waf.transformations.Transformations;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The @rx literal prefilter is an optimisation only, for Bastion's own rules too: over the gotestwaf corpus,
 * the CRS attack tests and the FHIR benign traffic, the builtin rules with and without the prefilter must
 * report exactly the same matched rules for every request (detection-only, so every rule runs).
 */
class BuiltinPrefilterSoundnessTest {

  private static WafEngine engine(boolean prefilter) throws Exception {
    SecLangParser parser = new SecLangParser(Operators.standard(prefilter), Transformations.standard());
    BuiltinRules.parseInto(parser, BuiltinRules.DEFAULT);
    return new WafEngine(parser.compile());
  }

  @Test
  void prefilterNeverChangesAVerdictOfTheBuiltinRules() throws Exception {
    WafCorpus.dir();
    WafEngine fast = engine(true);
    WafEngine exact = engine(false);
    List<WafSample> samples = new ArrayList<>(GotestwafCorpus.load());
    samples.addAll(GotestwafCorpus.crsAttacks());
    samples.addAll(FhirBenignTraffic.build(BuiltinRulesCorpusTest.projectDir(), new long[] {1}, 4));
    List<String> differences = new ArrayList<>();
    int matched = 0;
    for (WafSample s : samples) {
      Set<Integer> a = run(fast, s);
      Set<Integer> b = run(exact, s);
      matched += b.isEmpty() ? 0 : 1;
      if (!a.equals(b)) {
        differences.add(s + ": with prefilter " + a + ", without " + b);
      }
    }
    assertTrue(matched > samples.size() / 4, "the corpus must exercise the rules: " + matched + " requests matched");
    assertEquals(List.of(), differences);
  }

  private static Set<Integer> run(WafEngine engine, WafSample s) {
    Transaction tx = engine.newTransaction(s.request());
    tx.setEngineMode(EngineMode.DETECTION_ONLY);
    tx.processRequest();
    return Set.copyOf(tx.matchedRules().stream().map(MatchedRule::id).toList());
  }
}
