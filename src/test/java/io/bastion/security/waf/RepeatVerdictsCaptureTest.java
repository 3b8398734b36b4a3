package io.bastion.security.waf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Rules with {@code capture} keep their "no match" across requests ({@link RepeatVerdicts}) unless they are negated:
 * a repeated value is passed over, a value that matches still captures, and a negated rule, whose "no match" is its
 * operator's match, is evaluated (and captures) every time.
 */
class RepeatVerdictsCaptureTest {

  /** Rule 2 reads what rule 1 captured, so a capture skipped would show as rule 2 not matching. */
  private static final String RULES = """
      SecRuleEngine On
      SecRule ARGS:q "@rx (a+)b" "id:1,phase:1,pass,nolog,capture"
      SecRule ARGS:n "!@rx (z+)" "id:3,phase:1,pass,nolog,capture"
      SecRule TX:1 "@rx ^[az]+$" "id:2,phase:1,pass,nolog"
      """;

  private static Transaction run(WafEngine engine, String uri, boolean kept) {
    return RepeatVerdictsCheck.get(engine, uri, "x", kept);
  }

  private static WafEngine engine() throws WafConfigException {
    return RepeatVerdictsCheck.engine(RULES);
  }

  @Test
  void aCapturingRulesNoMatchIsPassedOverOnARepeatedValue() throws Exception {
    WafEngine engine = engine();
    run(engine, "/?q=xyz", true);
    Transaction again = run(engine, "/?q=xyz", true);
    assertTrue(again.repeatVerdictsUsed() > 0, "rule 1's no-match on q=xyz is kept");
    assertEquals(RepeatVerdictsCheck.of(run(engine, "/?q=xyz", false)), RepeatVerdictsCheck.of(again));
    assertNull(again.tx("1"));
  }

  @Test
  void aMatchingValueStillCapturesAfterAKeptNoMatch() throws Exception {
    WafEngine engine = engine();
    run(engine, "/?q=xyz", true);
    run(engine, "/?q=xyz", true);
    for (int i = 0; i < 2; i++) { // the match is never kept: it captures every time
      Transaction hit = run(engine, "/?q=xaab", true);
      assertEquals("aab", hit.tx("0"));
      assertEquals("aa", hit.tx("1"));
      assertEquals(List.of(1, 2), hit.matchedRules().stream().map(MatchedRule::id).toList());
      assertEquals(RepeatVerdictsCheck.of(run(engine, "/?q=xaab", false)), RepeatVerdictsCheck.of(hit));
    }
  }

  @Test
  void aNegatedCapturingRuleCapturesOnEveryRepeat() throws Exception {
    WafEngine engine = engine();
    for (int i = 0; i < 3; i++) { // rule 3 does not match (its operator does, and captures): rule 2 reads the capture
      Transaction tx = run(engine, "/?n=zz", true);
      assertEquals("zz", tx.tx("1"));
      assertEquals(List.of(2), tx.matchedRules().stream().map(MatchedRule::id).toList());
      assertEquals(RepeatVerdictsCheck.of(run(engine, "/?n=zz", false)), RepeatVerdictsCheck.of(tx));
    }
  }
}
