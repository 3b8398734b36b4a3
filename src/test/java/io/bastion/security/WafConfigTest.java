package io.bastion.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.config.ConfigException;
import io.bastion.config.ConfigLoader;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The waf: section: off by default, every bad value reported at once. */
class WafConfigTest {

  @Test
  void offByDefault() {
    WafConfig waf = ConfigLoader.withBuiltInDefaults().load(null, Map.of(), Map.of()).waf();
    assertEquals(WafConfig.Mode.OFF, waf.mode());
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
  void enabledNeedsRulesAndReadsLists() {
    var e = assertThrows(ConfigException.class, () -> ConfigLoader.withBuiltInDefaults().load(null,
        Map.of(), Map.of("waf.mode", "detection-only")));
    assertTrue(e.getMessage().contains("waf.rules"), e.getMessage());
    WafConfig waf = ConfigLoader.withBuiltInDefaults().load(null, Map.of("BASTION_WAF_RULES", "a.conf, rules/*.conf"),
        Map.of("waf.mode", "on", "waf.paranoia-level", "2")).waf();
    assertEquals(WafConfig.Mode.ON, waf.mode());
    assertEquals(java.util.List.of("a.conf", "rules/*.conf"), waf.rules());
    assertEquals(2, waf.paranoiaLevel());
  }
}
