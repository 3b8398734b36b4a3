package io.bastion.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FhirHeadersTest {

  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT).withZone(ZoneOffset.UTC);

  @Test
  void httpDateIsImfFixdateWithATwoDigitDay() {
    assertEquals("Sat, 05 Dec 2026 08:07:09 GMT", FhirHeaders.httpDate(Instant.parse("2026-12-05T08:07:09.999Z")));
    assertEquals("Thu, 01 Jan 1970 00:00:00 GMT", FhirHeaders.httpDate(Instant.EPOCH));
    assertEquals("Wed, 31 Dec 1969 23:59:59 GMT", FhirHeaders.httpDate(Instant.EPOCH.minusNanos(1)));
    assertEquals("Mon, 01 Jan 0001 00:00:00 GMT", FhirHeaders.httpDate(Instant.parse("0001-01-01T00:00:00Z")));
    assertEquals("Fri, 31 Dec 9999 23:59:59 GMT", FhirHeaders.httpDate(Instant.parse("9999-12-31T23:59:59Z")));
  }

  @Test
  void httpDateAgreesWithTheJdkFormatterOverTenThousandYears() {
    Random random = new Random(7);
    long first = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
    long last = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    for (int i = 0; i < 200_000; i++) {
      Instant instant = Instant.ofEpochSecond(first + (long) (random.nextDouble() * (last - first)), random.nextInt(1_000_000_000));
      assertEquals(IMF_FIXDATE.format(instant), FhirHeaders.httpDate(instant), instant.toString());
    }
  }
}
