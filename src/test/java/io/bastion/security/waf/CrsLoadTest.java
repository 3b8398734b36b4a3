package io.bastion.security.waf;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.security.waf.parser.SecLangParser;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Every CRS rule file loads, with the example setup, without a single error. */
class CrsLoadTest {

  @Test
  void loadsTheWholeCoreRuleSet() throws Exception {
    Path crs = WafCorpus.crsDir();
    RuleSet rules = SecLangParser.standard()
        .parseFile(crs.resolve("crs-setup.conf.example"))
        .parseFile(crs.resolve("rules/*.conf"))
        .compile();
    System.out.println("CRS loaded: " + rules.ruleCount() + " rules, warnings: " + rules.warnings());
    assertTrue(rules.ruleCount() > 500, "rule count " + rules.ruleCount());
  }
}
