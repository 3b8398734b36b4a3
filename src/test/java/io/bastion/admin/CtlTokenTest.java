package io.bastion.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CtlTokenTest {

  private static final String TOKEN = "0123456789abcdef-ctl";
  private final CtlToken token = CtlToken.of(TOKEN);

  @Test
  void acceptsOnlyTheExactToken() {
    assertTrue(token.matches(TOKEN));
    assertTrue(token.matches(new String(TOKEN.toCharArray())), "equal content, different instance");
    assertFalse(token.matches(TOKEN + " "));
    assertFalse(token.matches(TOKEN.substring(1)));
    assertFalse(token.matches(TOKEN.toUpperCase()));
    assertFalse(token.matches(""));
    assertFalse(token.matches(null));
  }

  @Test
  void refusesToGuardWithAnEmptyToken() {
    assertThrows(IllegalArgumentException.class, () -> CtlToken.of(""));
    assertThrows(IllegalArgumentException.class, () -> CtlToken.of(null));
  }

  @Test
  void neverPrintsTheToken() {
    assertEquals("CtlToken[<redacted>]", token.toString());
  }
}
