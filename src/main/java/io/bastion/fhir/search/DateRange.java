package io.bastion.fhir.search;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A FHIR date, dateTime or instant as the range of instants it covers: {@code 2024} is the whole year,
 * {@code 2024-03-01T10:00:00Z} one second. Both ends inclusive at microsecond precision (PostgreSQL's);
 * a null end is open (a Period without start or end). Values without a zone are taken as UTC.
 */
public record DateRange(Instant low, Instant high) {

  private static final Pattern DATE_TIME = Pattern.compile(
      "(\\d{4})(?:-(\\d{2})(?:-(\\d{2})(?:T(\\d{2}):(\\d{2})(?::(\\d{2})(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})?)?)?)?");
  private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

  /** @throws IllegalArgumentException when the text is not a FHIR date/dateTime/instant in range */
  public static DateRange parse(String text) {
    Matcher m = DATE_TIME.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a FHIR date");
    }
    try {
      int year = Integer.parseInt(m.group(1));
      if (m.group(2) == null) {
        return days(LocalDate.of(year, 1, 1), LocalDate.of(year, 1, 1).plusYears(1));
      }
      YearMonth month = YearMonth.of(year, Integer.parseInt(m.group(2)));
      if (m.group(3) == null) {
        return days(month.atDay(1), month.atDay(1).plusMonths(1));
      }
      LocalDate day = month.atDay(Integer.parseInt(m.group(3)));
      if (m.group(4) == null) {
        return days(day, day.plusDays(1));
      }
      LocalDateTime time = day.atTime(Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
          m.group(6) == null ? 0 : Integer.parseInt(m.group(6)));
      ZoneOffset zone = m.group(8) == null || m.group(8).equals("Z") ? ZoneOffset.UTC : ZoneOffset.of(m.group(8));
      Instant start = OffsetDateTime.of(time, zone).toInstant();
      long stepMicros;
      if (m.group(6) == null) {
        stepMicros = 60_000_000L;
      } else if (m.group(7) == null) {
        stepMicros = 1_000_000L;
      } else {
        int digits = Math.min(m.group(7).length() - 1, 6);
        String fraction = (m.group(7).substring(1) + "000000").substring(0, 6);
        start = start.plus(Long.parseLong(fraction), ChronoUnit.MICROS);
        stepMicros = (long) Math.pow(10, 6 - digits);
      }
      return checked(start, start.plus(stepMicros - 1, ChronoUnit.MICROS));
    } catch (java.time.DateTimeException | NumberFormatException e) {
      throw new IllegalArgumentException("not a FHIR date", e);
    }
  }

  /** The precision of the text: a day is "the same day", an instant "the same second". */
  private static DateRange days(LocalDate from, LocalDate toExclusive) {
    return checked(from.atStartOfDay().toInstant(ZoneOffset.UTC),
        toExclusive.atStartOfDay().toInstant(ZoneOffset.UTC).minus(1, ChronoUnit.MICROS));
  }

  private static DateRange checked(Instant low, Instant high) {
    if (low.isBefore(EARLIEST) || high.isAfter(LATEST)) {
      throw new IllegalArgumentException("date out of range");
    }
    return new DateRange(low, high);
  }

  /** The range moved by a fixed amount (open ends stay open): order and overlap between ranges are kept. */
  public DateRange shifted(java.time.Duration by) {
    return by.isZero() ? this : new DateRange(low == null ? null : low.plus(by), high == null ? null : high.plus(by));
  }

  /** PostgreSQL timestamptz text, with infinity for an open end. */
  public String lowText() {
    return low == null ? "-infinity" : low.toString();
  }

  public String highText() {
    return high == null ? "infinity" : high.toString();
  }
}
