package io.bastion.security.waf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A runtime target removal ({@code ctl:ruleRemoveTargetById}, as the CRS FHIR exclusions add to every /fhir request)
 * that names a collection holding no member changes nothing, so the includes reading it keep their verdicts; once
 * the collection has members, the removal applies and nothing is kept for it.
 */
class RepeatVerdictsExclusionsTest {

  private static final String RULES = """
      SecRuleEngine On
      SecRule REQUEST_FILENAME "@rx ^/fhir" "id:1,phase:1,pass,nolog,ctl:ruleRemoveTargetById=100;ARGS:/^note$/"
      SecRule ARGS|REQUEST_HEADERS "@rx attack" "id:100,phase:2,deny,status:403"
      """;

  private static Transaction run(WafEngine engine, String uri, boolean kept) {
    return RepeatVerdictsCheck.get(engine, uri, "fhir.example.org", kept);
  }

  private static WafEngine engine() throws WafConfigException {
    return RepeatVerdictsCheck.engine(RULES);
  }

  @Test
  void anEmptyCollectionNamedByARemovalKeepsItsVerdict() throws Exception {
    WafEngine engine = engine();
    run(engine, "/fhir/Patient/1", true);
    Transaction again = run(engine, "/fhir/Patient/1", true);
    assertEquals(2, again.repeatVerdictsUsed(), "rule 100's ARGS and REQUEST_HEADERS includes are both kept");
    assertEquals(RepeatVerdictsCheck.of(run(engine, "/fhir/Patient/1", false)), RepeatVerdictsCheck.of(again));
  }

  @Test
  void membersBringTheRemovalBack() throws Exception {
    WafEngine engine = engine();
    for (int i = 0; i < 2; i++) {
      for (String uri : List.of("/fhir/Patient/1", "/fhir/Patient?note=attack", "/fhir/Patient/1",
          "/fhir/Patient?other=attack", "/fhir/Patient/1", "/fhir/Patient?note=attack&other=attack")) {
        Transaction tx = run(engine, uri, true);
        if (uri.contains("other=attack")) {
          assertNotNull(tx.interruption(), uri);
        } else {
          assertNull(tx.interruption(), uri); // ARGS:note is removed from rule 100
        }
        assertEquals(RepeatVerdictsCheck.of(run(engine, uri, false)), RepeatVerdictsCheck.of(tx), uri);
      }
    }
  }
}
