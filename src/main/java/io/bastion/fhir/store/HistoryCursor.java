package io.bastion.fhir.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * Where a history page ended: the last entry's (lastUpdated, res_pk, version). The next page starts
 * strictly below it in the newest-first order, so writes made while a client pages only ever land
 * above the cursor: every entry that existed when paging began is seen exactly once.
 */
public record HistoryCursor(long lastUpdatedMicros, long resourcePk, int version) {

  /** Above every stored entry: the first page. */
  public static final HistoryCursor TOP = new HistoryCursor(Long.MAX_VALUE / 2, Long.MAX_VALUE, Integer.MAX_VALUE);

  public String encode() {
    String plain = lastUpdatedMicros + "." + resourcePk + "." + version;
    return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.US_ASCII));
  }

  /** @throws IllegalArgumentException when the token is not one this server made */
  public static HistoryCursor decode(String token) {
    String plain;
    try {
      plain = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.US_ASCII);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a page token", e);
    }
    String[] parts = plain.split("\\.");
    if (parts.length != 3) {
      throw new IllegalArgumentException("not a page token");
    }
    HistoryCursor cursor;
    try {
      cursor = new HistoryCursor(Long.parseLong(parts[0]), Long.parseLong(parts[1]), Integer.parseInt(parts[2]));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a page token", e);
    }
    // within what this server writes, so a forged token cannot reach PostgreSQL's timestamp range errors
    if (cursor.lastUpdatedMicros() < 0 || cursor.lastUpdatedMicros() > TOP.lastUpdatedMicros()
        || cursor.resourcePk() < 0 || cursor.version() < 0) {
      throw new IllegalArgumentException("not a page token");
    }
    return cursor;
  }

  static long micros(Instant instant) {
    return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
  }

  static Instant instant(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000);
  }
}
