package io.bastion.fhir.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NoneMatchTest {

  @Test
  void starRefusesEveryLiveVersionButNotADeletion() {
    NoneMatch any = NoneMatch.parse(" * ");
    assertTrue(any.refuses(1, false));
    assertTrue(any.refuses(42, false));
    assertFalse(any.refuses(3, true), "a deleted resource has no current representation");
  }

  @Test
  void versionTagsCompareWeakly() {
    NoneMatch tags = NoneMatch.parse("W/\"2\", \"5\"");
    assertTrue(tags.refuses(2, false));
    assertTrue(tags.refuses(5, false));
    assertFalse(tags.refuses(3, false));
    assertFalse(tags.refuses(2, true));
  }

  @Test
  void absentIsNoConditionAndAnythingElseIsRefused() {
    assertNull(NoneMatch.parse(null));
    for (String bad : new String[] {"", "abc", "\"abc\"", "W/\"0\"", "W/\"1\",", "W/1", "*,W/\"x\""}) {
      assertThrows(IllegalArgumentException.class, () -> NoneMatch.parse(bad), bad);
    }
  }
}
