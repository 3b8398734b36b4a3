package io.bastion.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.security.waf.Transaction;
import io.bastion.security.waf.WafEngine;
import io.bastion.security.waf.WafRequest;
import io.bastion.security.waf.parser.SecLangParser;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The verdict policy and the redacted event, on small rule sets. */
class InlineWafTest {

  private static InlineWaf waf(WafConfig.Mode mode, String rules) throws Exception {
    return new InlineWaf(new WafEngine(SecLangParser.standard().parseText(Path.of("test.conf"), rules).compile()),
        mode, 131072);
  }

  private static Transaction run(InlineWaf waf, String uri) {
    Transaction tx = waf.begin(new WafRequest("GET", uri, "HTTP/1.1", List.of(), null, "10.0.0.1"));
    tx.processRequestHeaders();
    tx.processRequestBody();
    return tx;
  }

  private static final String DENY = "SecRuleEngine DetectionOnly\n"
      + "SecRule ARGS \"@contains evil\" \"id:1001,phase:1,deny,log,tag:'attack-test'\"\n";

  @Test
  void denyBlocksInOnModeWhateverTheFilesSay() throws Exception {
    Transaction tx = run(waf(WafConfig.Mode.ON, DENY), "/x?q=evil-secret-value");
    assertEquals(InlineWaf.Outcome.BLOCKED, waf(WafConfig.Mode.ON, DENY).outcome(tx));
  }

  @Test
  void detectionOnlyReportsAndRedacts() throws Exception {
    InlineWaf waf = waf(WafConfig.Mode.DETECTION_ONLY, DENY.replace("DetectionOnly", "On"));
    Transaction tx = run(waf, "/x?q=evil-secret-value");
    assertEquals(InlineWaf.Outcome.DETECTED, waf.outcome(tx));
    JsonObject event = waf.event(tx, InlineWaf.Outcome.DETECTED);
    assertEquals(List.of(1001), event.getJsonArray("ruleIds").getList());
    assertEquals(List.of("ARGS:q"), event.getJsonArray("matchedVariables").getList());
    assertEquals(List.of("attack-test"), event.getJsonArray("tags").getList());
    assertTrue(event.getBoolean("wouldBlock"));
    assertFalse(event.encode().contains("secret"), event.encode());
    assertEquals(InlineWaf.Outcome.PASS, waf.outcome(run(waf, "/x?q=fine")));
  }

  @Test
  void anExhaustedRegexBudgetBlocksInOnModeOnly() throws Exception {
    // as TransactionTest's hostile case: 40 catastrophic rules x 20 values spend the per-request budget (20
    // repetitions: more than the whole-value automaton reads exactly, so the regex meets every value)
    StringBuilder rules = new StringBuilder();
    for (int i = 1; i <= 40; i++) {
      rules.append("SecRule ARGS \"@rx ^(.*a){20}$\" \"id:").append(2000 + i).append(",phase:1,pass,nolog\"\n");
    }
    StringBuilder uri = new StringBuilder("/x?");
    for (int i = 0; i < 20; i++) {
      uri.append("p").append(i).append('=').append("a".repeat(30)).append("!&");
    }
    InlineWaf on = waf(WafConfig.Mode.ON, rules.toString());
    Transaction tx = run(on, uri.toString());
    assertTrue(tx.evaluationBudgetExhausted());
    assertEquals(InlineWaf.Outcome.BLOCKED, on.outcome(tx));
    InlineWaf detect = waf(WafConfig.Mode.DETECTION_ONLY, rules.toString());
    assertEquals(InlineWaf.Outcome.DETECTED, detect.outcome(run(detect, uri.toString())));
  }
}
