package io.bastion.security.waf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bastion.security.waf.operators.Operators;
import io.bastion.security.waf.parser.SecLangParser;
import io.bastion.security.waf.transformations.Transformations;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The @rx required-literal prefilter is an optimisation only: over the whole CRS regression corpus, the
 * engine with it and without it must report exactly the same matched rules for every request.
 */
class RegexPrefilterSoundnessTest {

  private static WafEngine engine(Path crs, boolean prefilter) throws WafConfigException {
    return new WafEngine(new SecLangParser(Operators.standard(prefilter), Transformations.standard())
        .parseFile(crs.resolve("crs-setup.conf.example"))
        .parseText(crs.resolve("bastion-test-setup.conf"), CrsRegressionTest.TEST_SETUP)
        .parseFile(crs.resolve("rules/*.conf"))
        .compile());
  }

  @Test
  void prefilterNeverChangesAVerdict() throws Exception {
    Path corpus = WafCorpus.dir();
    Path crs = corpus.resolve("coreruleset");
    WafEngine fast = engine(crs, true);
    WafEngine exact = engine(crs, false);
    List<String> differences = new ArrayList<>();
    for (CrsRegressionTest.Case c : CrsRegressionTest.readCases(corpus.resolve("converted/crs-regression.jsonl"))) {
      Set<Integer> a = run(fast, c);
      Set<Integer> b = run(exact, c);
      if (!a.equals(b)) {
        differences.add(c.id() + ": with prefilter " + a + ", without " + b);
      }
    }
    assertEquals(List.of(), differences);
  }

  private static Set<Integer> run(WafEngine engine, CrsRegressionTest.Case c) {
    Transaction tx = engine.newTransaction(c.request());
    tx.processRequest();
    tx.processResponseHeaders(c.response());
    tx.processResponseBody();
    return Set.copyOf(tx.matchedRules().stream().map(MatchedRule::id).toList());
  }
}
