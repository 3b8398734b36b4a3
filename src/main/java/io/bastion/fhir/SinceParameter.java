package io.bastion.fhir;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** The {@code _since} parameter of history and {@code $export}: an instant PostgreSQL and FHIR can both hold. */
public final class SinceParameter {

  /** Outside these _since is refused: PostgreSQL timestamps and FHIR instants do not go further. */
  private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

  private SinceParameter() {
  }

  /**
   * The instant, or a 400 {@link FhirException}. A space is a zone's '+' that the client did not percent-encode
   * (query decoding made it one; no instant holds a space).
   *
   * @param plainDate whether a plain date (midnight UTC) is accepted too, as history does; $export's is an instant
   */
  public static Instant parse(String raw, boolean plainDate) {
    String text = raw.trim().replace(' ', '+');
    try {
      Instant since = plainDate && text.length() == 10
          ? LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC)
          : OffsetDateTime.parse(text).toInstant();
      if (since.isBefore(EARLIEST) || since.isAfter(LATEST)) {
        throw new DateTimeParseException("out of range", text, 0);
      }
      return since;
    } catch (DateTimeParseException e) {
      throw FhirException.of(400, "value", "_since must be a FHIR instant such as 2024-01-31T12:00:00Z"
          + (plainDate ? " (or a date)" : ""), "_since");
    }
  }
}
