package io.bastion.security.waf.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class QuantifierTest {

  @Test
  void readsEveryFormAndDropsLazyAndPossessiveSuffixes() {
    assertEquals(new Quantifier(0, -1, 2), Quantifier.at("a*b", 1));
    assertEquals(new Quantifier(1, -1, 3), Quantifier.at("a+?b", 1));
    assertEquals(new Quantifier(0, 1, 3), Quantifier.at("a?+", 1));
    assertEquals(new Quantifier(3, 3, 4), Quantifier.at("a{3}", 1));
    assertEquals(new Quantifier(2, -1, 5), Quantifier.at("a{2,}", 1));
    assertEquals(new Quantifier(2, 10, 8), Quantifier.at("a{2,10}?", 1));
  }

  @Test
  void anythingElseIsNoQuantifier() {
    assertNull(Quantifier.at("ab", 1));
    assertNull(Quantifier.at("a", 1));
    assertNull(Quantifier.at("a{x}", 1));
    assertNull(Quantifier.at("a{,3}", 1));
    assertNull(Quantifier.at("a{2", 1));
  }
}
