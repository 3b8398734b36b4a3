package io.bastion.security.waf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The verdicts kept across requests ({@link RepeatVerdicts}) change nothing a transaction does: over the CRS
 * regression corpus at paranoia level 4 (detection only, responses inspected too), each request run as it comes
 * (its values partly new after the previous request's), then without kept verdicts, then again right away (every
 * value repeats) gives the same matched rules, messages, TX collection, interruption, regex steps and errors.
 */
class RepeatVerdictsCorpusTest {

  @Test
  void keptVerdictsChangeNothingOnTheCrsCorpus() throws Exception {
    Path corpus = WafCorpus.dir();
    Path crs = corpus.resolve("coreruleset");
    WafEngine engine = new WafEngine(new io.bastion.security.waf.parser.SecLangParser(
        io.bastion.security.waf.operators.Operators.standard(), io.bastion.security.waf.transformations.Transformations
        .standard())
        .parseFile(crs.resolve("crs-setup.conf.example"))
        .parseText(crs.resolve("bastion-test-setup.conf"), CrsRegressionTest.TEST_SETUP)
        .parseFile(crs.resolve("rules/*.conf"))
        .compile());
    List<String> differences = new ArrayList<>();
    int used = 0;
    for (CrsRegressionTest.Case c : CrsRegressionTest.readCases(corpus.resolve("converted/crs-regression.jsonl"))) {
      Consumer<Transaction> run = tx -> {
        tx.processRequest();
        tx.processResponseHeaders(c.response());
        tx.processResponseBody();
      };
      Transaction first = engine.newTransaction(c.request());
      run.accept(first);
      Transaction exact = engine.newTransaction(c.request());
      exact.disableRepeatVerdicts();
      run.accept(exact);
      Transaction again = engine.newTransaction(c.request());
      run.accept(again);
      used += first.repeatVerdictsUsed() + again.repeatVerdictsUsed();
      RepeatVerdictsCheck expected = RepeatVerdictsCheck.of(exact);
      if (!expected.equals(RepeatVerdictsCheck.of(first)) || !expected.equals(RepeatVerdictsCheck.of(again))) {
        differences.add(c.id() + ": without kept verdicts " + expected + ", first " + RepeatVerdictsCheck.of(first)
            + ", again " + RepeatVerdictsCheck.of(again));
      }
      assertEquals(0, exact.repeatVerdictsUsed());
    }
    assertTrue(used > 100_000, "the corpus must exercise the kept verdicts: " + used + " used");
    assertTrue(differences.isEmpty(), differences.size() + " requests differ, among them "
        + differences.subList(0, Math.min(3, differences.size())));
  }
}
