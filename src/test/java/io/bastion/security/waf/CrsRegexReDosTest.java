package io.bastion.security.waf;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.security.waf.operators.MatchContext;
import io.bastion.security.waf.operators.Rx;
import io.bastion.security.waf.parser.SecLangParser;
import io.bastion.security.waf.variables.KeyedValues;
import io.bastion.security.waf.variables.Variable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every CRS regular expression against inputs built to make backtracking engines stumble: no single
 * evaluation may take more than {@link #BOUND_MS} of CPU (the step budget in BoundedCharSequence is what
 * guarantees it; this test proves the guarantee holds for the real rule set).
 */
class CrsRegexReDosTest {

  /** CPU time, not wall-clock, so a loaded CI machine does not make the test flaky. */
  static final long BOUND_MS = 1_000;
  static final int LENGTH = 8_192;

  private static final class Ctx implements MatchContext {
    int budgetHits;

    @Override
    public KeyedValues collection(Variable v) {
      return null;
    }

    @Override
    public String scalar(Variable v) {
      return null;
    }

    @Override
    public boolean capturing() {
      return false;
    }

    @Override
    public void capture(int index, String value) {
    }

    @Override
    public void regexBudgetExceeded(String ruleContext) {
      budgetHits++;
    }
  }

  static List<String> hostileInputs() {
    List<String> out = new ArrayList<>();
    for (String unit : List.of("a", " ", "'", "(", "<", "/*", "%", "1", "a=", "\\", "${", "a.", "-", "\t\n", "&#",
        "<a ", "a'", "on", "0x", "\u00e2\u0080")) {
      out.add(unit.repeat(LENGTH / unit.length()) + "!");
    }
    return out;
  }

  @Test
  void noCrsRegexEvaluationExceedsTheBound() throws Exception {
    Path crs = WafCorpus.crsDir();
    RuleSet rules = SecLangParser.standard().parseFile(crs.resolve("crs-setup.conf.example"))
        .parseFile(crs.resolve("rules/*.conf")).compile();
    List<Rx> regexes = new ArrayList<>();
    for (int phase = 1; phase <= 5; phase++) {
      for (Rule r : rules.phase(phase)) {
        for (Rule x = r; x != null; x = x.chained()) {
          if (x.operator() instanceof Rx rx) {
            regexes.add(rx);
          }
        }
      }
    }
    Ctx ctx = new Ctx();
    java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
    long worst = 0;
    String worstPattern = "";
    for (Rx rx : regexes) {
      for (String input : hostileInputs()) {
        long t0 = cpu.getCurrentThreadCpuTime();
        rx.matches(ctx, input);
        long ms = (cpu.getCurrentThreadCpuTime() - t0) / 1_000_000;
        if (ms > worst) {
          worst = ms;
          worstPattern = rx.pattern().pattern();
        }
      }
    }
    System.out.printf("ReDoS sweep: %d regexes x %d inputs, worst %d ms CPU, budget hits %d%n", regexes.size(),
        hostileInputs().size(), worst, ctx.budgetHits);
    assertTrue(regexes.size() > 250, "found " + regexes.size() + " regexes");
    String p = worstPattern;
    assertTrue(worst <= BOUND_MS, () -> "worst evaluation " + p.substring(0, Math.min(120, p.length())));
  }
}
