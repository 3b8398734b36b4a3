package io.bastion.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.config.ConfigException;
import io.bastion.config.ConfigLoader;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The waf: section: on with the builtin rules by default, every bad value reported at once. */
class WafConfigTest {

  @Test
  void onWithTheBuiltinRulesByDefault() {
    WafConfig waf = ConfigLoader.withBuiltInDefaults().load(null, Map.of(), Map.of()).waf();
    assertEquals(WafConfig.Mode.ON, waf.mode());
    assertEquals(java.util.List.of("builtin"), waf.rules());
    assertEquals(0, waf.paranoiaLevel());
  }

  @Test
  void everyProblemIsListed() {
    var e = assertThrows(ConfigException.class, () -> ConfigLoader.withBuiltInDefaults().load(null,
        Map.of("BASTION_WAF_MODE", "block"), Map.of("waf.paranoia-level", "5", "waf.request-body-limit", "10")));
    String message = e.getMessage();
    assertTrue(message.contains("waf.mode") && message.contains("waf.paranoia-level")
        && message.contains("waf.request-body-limit"), message);
  }

  @Test
  void readsRuleLists() {
    WafConfig waf = ConfigLoader.withBuiltInDefaults().load(null, Map.of("BASTION_WAF_RULES", "a.conf, rules/*.conf"),
        Map.of("waf.mode", "on", "waf.paranoia-level", "2")).waf();
    assertEquals(WafConfig.Mode.ON, waf.mode());
    assertEquals(java.util.List.of("a.conf", "rules/*.conf"), waf.rules());
    assertEquals(2, waf.paranoiaLevel());
  }
}
