package io.bastion.security.waf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.security.waf.operators.DetectSqli;
import io.bastion.security.waf.operators.MatchContext;
import io.bastion.security.waf.variables.KeyedValues;
import io.bastion.security.waf.variables.Variable;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code @detectSQLi} gives the verdict and the captured fingerprint of its previous implementation
 * ({@link DetectSqliReference}) for every distinct value of the CRS regression corpus (as
 * {@link NoMatchAutomatonCorpusTest} collects them) and for random values dense in SQL syntax, mixed case and
 * characters whose lower case is ASCII (the Kelvin sign) or longer (the dotted capital I).
 */
class DetectSqliCorpusTest {

  /** Records the capture. */
  private static final class Ctx implements MatchContext {
    String captured;

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
      return true;
    }

    @Override
    public void capture(int index, String value) {
      captured = value;
    }

    @Override
    public void regexBudgetExceeded(String ruleContext) {
    }
  }

  @Test
  void sameVerdictsAndFingerprintsAsBefore() throws Exception {
    List<String> values = new ArrayList<>(NoMatchAutomatonCorpusTest.values(WafCorpus.dir()));
    String[] pieces = {"union", "UNION ", "select", "SeLeCt", "or", "OR", "and ", "xor", "1", "1=1", "'", "\"", "`",
        "(", ")", ";", ",", "--", "#", "/*", "*/", "/*!50000", "@", "@@version", "sleep(", "char(", "count (",
        "from", "where", "li\u212Ae", "\u212Aey", "\u0130n", "in", "is", "not", "null", "||", "&&", "=", "<>", "!",
        " ", "\t", "\n", "\u00a0", ".", "$", "_", "x", "Patient/123", "information_schema", "a.b", "9e9", "drop",
        "utl_inaddr.get_host_name(", "LOAD_FILE(", "waitfor", "delay", "group_concat("};
    Random random = new Random(942100);
    for (int k = 0; k < 100_000; k++) {
      StringBuilder sb = new StringBuilder();
      for (int n = 1 + random.nextInt(8); n > 0; n--) {
        sb.append(pieces[random.nextInt(pieces.length)]);
      }
      values.add(sb.toString());
    }
    DetectSqli op = new DetectSqli();
    long hits = 0;
    List<String> different = new ArrayList<>();
    for (String v : values) {
      String before = DetectSqliReference.detect(v);
      Ctx ctx = new Ctx();
      boolean now = op.matches(ctx, v);
      hits += now ? 1 : 0;
      if ((before != null) != now || now && !before.equals(ctx.captured)) {
        if (different.size() < 20) {
          different.add("<" + v + ">: before " + before + ", now " + (now ? ctx.captured : null));
        }
      }
    }
    assertEquals(List.of(), different);
    assertTrue(hits > 1_000 && hits < values.size() / 2, hits + " of " + values.size() + " values detected");
  }
}
