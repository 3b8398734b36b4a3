package io.bastion.fhir.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.fhir.validation.FhirIds;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Server-assigned ids: version 7 UUIDs whose text sorts by creation time, distinct within one millisecond. */
class TimeOrderedIdsTest {

  @Test
  void versionSevenUuidTextCarryingTheMillisecond() {
    Instant at = Instant.parse("2026-12-06T10:52:44.123Z");
    String id = new TimeOrderedIds(Clock.fixed(at, ZoneOffset.UTC), new SecureRandom()).get();
    UUID uuid = UUID.fromString(id);
    assertEquals(id, uuid.toString(), "lower-case canonical text");
    assertEquals(7, uuid.version());
    assertEquals(2, uuid.variant());
    assertEquals(at.toEpochMilli(), uuid.getMostSignificantBits() >>> 16);
    assertTrue(FhirIds.isValid(id));
  }

  @Test
  void idsOfALaterMillisecondSortAfterEveryEarlierOneAndNoneRepeats() {
    Instant start = Instant.parse("2026-12-06T10:00:00Z");
    SecureRandom random = new SecureRandom();
    Set<String> seen = new HashSet<>();
    String latestBefore = "";
    for (int ms = 0; ms < 200; ms++) {
      TimeOrderedIds ids = new TimeOrderedIds(Clock.fixed(start.plusMillis(ms), ZoneOffset.UTC), random);
      String latest = "";
      for (int i = 0; i < 50; i++) {
        String id = ids.get();
        assertTrue(seen.add(id), "repeated " + id);
        assertTrue(id.compareTo(latestBefore) > 0, id + " sorts before an id of an earlier millisecond");
        latest = id.compareTo(latest) > 0 ? id : latest;
      }
      latestBefore = latest;
    }
  }
}
