package io.bastion.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.security.waf.RepeatVerdictsCheck;
import io.bastion.security.waf.Transaction;
import io.bastion.security.waf.WafCorpus;
import io.bastion.security.waf.WafEngine;
import io.bastion.security.waf.WafRequest;
import io.bastion.security.waf.operators.Operators;
import io.bastion.security.waf.parser.SecLangParser;
import io.bastion.security.waf.transformations.Transformations;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The verdicts the engine keeps across requests change nothing Bastion's own rules do (blocking, as deployed):
 * over the gotestwaf corpus, the CRS attack tests and the FHIR benign traffic, each request run as it comes, then
 * without kept verdicts, then again right away, and an attack sent with a benign request's headers right after
 * that benign request (its new values are inspected, the repeated ones are not) all end the same.
 */
class BuiltinRepeatVerdictsTest {

  @Test
  void keptVerdictsChangeNothingForTheBuiltinRules() throws Exception {
    WafCorpus.dir();
    SecLangParser parser = new SecLangParser(Operators.standard(), Transformations.standard());
    BuiltinRules.parseInto(parser, BuiltinRules.DEFAULT);
    WafEngine engine = new WafEngine(parser.compile());
    List<WafSample> benign = FhirBenignTraffic.build(BuiltinRulesCorpusTest.projectDir(), new long[] {1}, 4);
    List<WafSample> samples = new ArrayList<>(GotestwafCorpus.load());
    samples.addAll(GotestwafCorpus.crsAttacks());
    samples.addAll(benign);
    List<String> differences = new ArrayList<>();
    int used = 0;
    int blocked = 0;
    for (int i = 0; i < samples.size(); i++) {
      WafSample s = samples.get(i);
      List<WafRequest> requests = new ArrayList<>(List.of(s.request()));
      if (s.attack()) {
        // the attack's request line and body with the headers of a benign request sent just before it
        WafRequest b = benign.get(i % benign.size()).request();
        WafRequest a = s.request();
        requests.add(b);
        requests.add(new WafRequest(a.method(), a.uri(), a.protocol(), b.headers(), a.body(), b.remoteAddr()));
      }
      for (WafRequest r : requests) {
        Transaction first = run(engine, r, false);
        Transaction exact = run(engine, r, true);
        Transaction again = run(engine, r, false);
        used += first.repeatVerdictsUsed() + again.repeatVerdictsUsed();
        blocked += exact.interruption() != null ? 1 : 0;
        RepeatVerdictsCheck expected = RepeatVerdictsCheck.of(exact);
        if (!expected.equals(RepeatVerdictsCheck.of(first)) || !expected.equals(RepeatVerdictsCheck.of(again))) {
          differences.add(s + ": without kept verdicts " + expected + ", first " + RepeatVerdictsCheck.of(first)
              + ", again " + RepeatVerdictsCheck.of(again));
        }
      }
    }
    assertTrue(blocked > samples.size() / 4, "the corpus must exercise the rules: " + blocked + " blocked");
    assertTrue(used > 10 * samples.size(), "the corpus must exercise the kept verdicts: " + used + " used");
    assertTrue(differences.isEmpty(), differences.size() + " requests differ, among them "
        + differences.subList(0, Math.min(3, differences.size())));
  }

  private static Transaction run(WafEngine engine, WafRequest request, boolean exact) {
    Transaction tx = engine.newTransaction(request);
    if (exact) {
      tx.disableRepeatVerdicts();
    }
    tx.processRequest();
    return tx;
  }
}
