package io.bastion.security.waf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bastion.security.waf.parser.SecLangParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** One compiled engine shared by several threads gives every request the same verdict as a single thread. */
class WafEngineConcurrencyTest {

  @Test
  void sharedEngineIsThreadSafe() throws Exception {
    Path corpus = WafCorpus.dir();
    Path crs = corpus.resolve("coreruleset");
    WafEngine engine = new WafEngine(SecLangParser.standard()
        .parseFile(crs.resolve("crs-setup.conf.example"))
        .parseText(crs.resolve("bastion-test-setup.conf"), CrsRegressionTest.TEST_SETUP)
        .parseFile(crs.resolve("rules/*.conf"))
        .compile());
    List<CrsRegressionTest.Case> cases = CrsRegressionTest.readCases(corpus.resolve("converted/crs-regression.jsonl"))
        .subList(0, 1500);
    List<Set<Integer>> sequential = new ArrayList<>();
    for (CrsRegressionTest.Case c : cases) {
      sequential.add(fired(engine, c));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<Set<Integer>>>> runs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int offset = t * 97;
        runs.add(pool.submit(() -> {
          List<Set<Integer>> out = new ArrayList<>(cases.size());
          for (int i = 0; i < cases.size(); i++) {
            out.add(null);
          }
          for (int k = 0; k < cases.size(); k++) {
            int i = (k + offset) % cases.size();
            out.set(i, fired(engine, cases.get(i)));
          }
          return out;
        }));
      }
      for (Future<List<Set<Integer>>> run : runs) {
        assertEquals(sequential, run.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static Set<Integer> fired(WafEngine engine, CrsRegressionTest.Case c) {
    Transaction tx = engine.newTransaction(c.request());
    tx.processRequest();
    return Set.copyOf(tx.loggedRuleIds());
  }
}
