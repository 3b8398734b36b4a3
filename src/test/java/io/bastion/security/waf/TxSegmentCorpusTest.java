package io.bastion.security.waf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.security.waf.variables.Variable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The outcomes kept for runs of TX-only rules ({@link TxSegment}) change nothing a transaction does: over the CRS
 * regression corpus, at paranoia level 4 in detection only (responses inspected too) and behind the FHIR exclusions
 * at paranoia level 1 as the benchmark loads it, each request run as it comes, then with every rule evaluated, then
 * again gives the same matched rules (messages, log data, matched names), interruption, TX collection (members in
 * order), MATCHED_VAR, regex steps and errors.
 */
class TxSegmentCorpusTest {

  @Test
  void keptOutcomesChangeNothingOnTheCrsCorpusAtParanoiaLevel4() throws Exception {
    Path corpus = WafCorpus.dir();
    Path crs = corpus.resolve("coreruleset");
    WafEngine engine = new WafEngine(io.bastion.security.waf.parser.SecLangParser.standard()
        .parseFile(crs.resolve("crs-setup.conf.example"))
        .parseText(crs.resolve("bastion-test-setup.conf"), CrsRegressionTest.TEST_SETUP)
        .parseFile(crs.resolve("rules/*.conf"))
        .compile());
    compare(engine, corpus, true);
  }

  @Test
  void keptOutcomesChangeNothingOnTheCrsCorpusBehindTheFhirExclusions() throws Exception {
    compare(new WafEngine(WafEngineBenchmark.load("crs-fhir")), WafCorpus.dir(), false);
  }

  private static void compare(WafEngine engine, Path corpus, boolean responses) throws Exception {
    List<String> differences = new ArrayList<>();
    int applied = 0;
    List<WafRequest> requests = new ArrayList<>();
    List<WafResponse> replies = new ArrayList<>();
    for (CrsRegressionTest.Case c : CrsRegressionTest.readCases(corpus.resolve("converted/crs-regression.jsonl"))) {
      requests.add(c.request());
      replies.add(c.response());
    }
    for (int i = 0; i < requests.size(); i++) {
      WafResponse reply = replies.get(i);
      Consumer<Transaction> run = tx -> {
        tx.processRequest();
        if (responses) {
          tx.processResponseHeaders(reply);
          tx.processResponseBody();
        }
        tx.processLogging();
      };
      Transaction first = engine.newTransaction(requests.get(i));
      run.accept(first);
      Transaction exact = engine.newTransaction(requests.get(i));
      exact.disableTxSegments();
      run.accept(exact);
      Transaction again = engine.newTransaction(requests.get(i));
      run.accept(again);
      applied += first.txSegmentsApplied() + again.txSegmentsApplied();
      assertEquals(0, exact.txSegmentsApplied());
      String expected = describe(exact);
      if (!expected.equals(describe(first)) || !expected.equals(describe(again))) {
        differences.add(i + ": every rule evaluated " + expected + ", first " + describe(first) + ", again "
            + describe(again));
      }
    }
    assertTrue(applied > 10 * requests.size(), "the corpus must exercise the kept outcomes: " + applied + " used");
    assertTrue(differences.isEmpty(), differences.size() + " requests differ, among them "
        + differences.subList(0, Math.min(2, differences.size())));
  }

  private static String describe(Transaction t) {
    return RepeatVerdictsCheck.of(t) + " MATCHED_VAR=" + t.scalar(Variable.MATCHED_VAR) + " MATCHED_VAR_NAME="
        + t.scalar(Variable.MATCHED_VAR_NAME) + " MATCHED_VARS=" + t.collection(Variable.MATCHED_VARS).entries();
  }
}
