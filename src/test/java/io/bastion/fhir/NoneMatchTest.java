package io.bastion.fhir;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.fhir.store.NoneMatch;
import org.junit.jupiter.api.Test;

/** If-None-Match read as a write's precondition ({@link FhirHeaders#noneMatch}) and what it refuses. */
class NoneMatchTest {

  @Test
  void starRefusesEveryLiveVersionButNotADeletion() {
    NoneMatch any = FhirHeaders.noneMatch(" * ");
    assertTrue(any.refuses(1, false));
    assertTrue(any.refuses(42, false));
    assertFalse(any.refuses(3, true), "a deleted resource has no current representation");
  }

  @Test
  void versionTagsCompareWeakly() {
    NoneMatch tags = FhirHeaders.noneMatch("W/\"2\", \"5\"");
    assertTrue(tags.refuses(2, false));
    assertTrue(tags.refuses(5, false));
    assertFalse(tags.refuses(3, false));
    assertFalse(tags.refuses(2, true));
  }

  @Test
  void absentIsNoConditionAndAnythingElseIsRefused() {
    assertNull(FhirHeaders.noneMatch(null));
    for (String bad : new String[] {"", "abc", "\"abc\"", "W/\"0\"", "W/\"1\",", "W/1", "*,W/\"x\""}) {
      assertThrows(IllegalArgumentException.class, () -> FhirHeaders.noneMatch(bad), bad);
    }
  }
}
