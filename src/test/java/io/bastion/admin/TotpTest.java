package io.bastion.admin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** TOTP against RFC 6238's SHA-1 test vectors, its window and replay rule, and the pieces around it. */
class TotpTest {

  /** RFC 6238 appendix B: the SHA-1 seed is the ASCII string "12345678901234567890". */
  private static final byte[] RFC_SEED = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

  @ParameterizedTest(name = "T={0}s -> {1}")
  @CsvSource({
      "59,          94287082",
      "1111111109,  07081804",
      "1111111111,  14050471",
      "1234567890,  89005924",
      "2000000000,  69279037",
      "20000000000, 65353130"})
  void rfc6238Sha1Vectors(long seconds, String expected) {
    long step = Totp.step(Instant.ofEpochSecond(seconds));
    assertEquals(expected, Totp.code(RFC_SEED, step, 8));
    // Six digits are the same value modulo 10^6: the last six digits.
    assertEquals(expected.substring(2), Totp.code(RFC_SEED, Instant.ofEpochSecond(seconds)));
  }

  @Test
  void acceptsOneStepEitherSideAndNothingFurther() {
    Instant now = Instant.ofEpochSecond(1_700_000_000L);
    long step = Totp.step(now);
    for (int delta = -1; delta <= 1; delta++) {
      assertEquals(step + delta, Totp.match(RFC_SEED, Totp.code(RFC_SEED, step + delta, 6), now, -1), "delta " + delta);
    }
    assertEquals(-1, Totp.match(RFC_SEED, Totp.code(RFC_SEED, step - 2, 6), now, -1));
    assertEquals(-1, Totp.match(RFC_SEED, Totp.code(RFC_SEED, step + 2, 6), now, -1));
  }

  @Test
  void refusesTheSameOrAnEarlierStepAgain() {
    Instant now = Instant.ofEpochSecond(1_700_000_000L);
    long step = Totp.step(now);
    String code = Totp.code(RFC_SEED, step, 6);
    assertEquals(step, Totp.match(RFC_SEED, code, now, step - 1));
    assertEquals(-1, Totp.match(RFC_SEED, code, now, step), "replay of the same step");
    assertEquals(-1, Totp.match(RFC_SEED, Totp.code(RFC_SEED, step - 1, 6), now, step), "an older step after a newer one");
    assertEquals(step + 1, Totp.match(RFC_SEED, Totp.code(RFC_SEED, step + 1, 6), now, step), "the next step is fine");
  }

  @Test
  void refusesMalformedCodes() {
    Instant now = Instant.ofEpochSecond(59);
    for (String bad : new String[] {null, "", "28708", "2870821", "28708a", " 87082", "２８７０８２"}) {
      assertEquals(-1, Totp.match(RFC_SEED, bad, now, -1), String.valueOf(bad));
    }
  }

  @Test
  void base32RoundTripsAndMatchesRfc4648() {
    assertEquals("MZXW6YTBOI", Base32.encode("foobar".getBytes(StandardCharsets.US_ASCII)));
    assertArrayEquals("foobar".getBytes(StandardCharsets.US_ASCII), Base32.decode("mzxw 6ytb oi======"));
    byte[] random = new byte[20];
    new SecureRandom().nextBytes(random);
    assertArrayEquals(random, Base32.decode(Base32.encode(random)));
    assertThrows(IllegalArgumentException.class, () -> Base32.decode("MZ1W"));
  }

  @Test
  void otpauthUriCarriesWhatAuthenticatorsNeed() {
    String uri = Totp.uri("Bastion", "alice@example.org", RFC_SEED);
    assertEquals("otpauth://totp/Bastion:alice%40example.org?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Bastion"
        + "&algorithm=SHA1&digits=6&period=30", uri);
  }

  @Test
  void qrCodeIsAnSvgDrawnHere() {
    String svg = QrCode.svg("otpauth://totp/Bastion:admin?secret=ABC");
    assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""), svg);
    assertTrue(svg.contains("<path fill=\"#000\" d=\"M"), "has dark modules");
    assertFalse(svg.contains("<script"), "nothing active in the image");
    assertTrue(QrCode.svgDataUri("x").startsWith("data:image/svg+xml;base64,"));
  }

  @Test
  void sealedSecretsOpenOnlyForTheirRowAndKey() {
    SecureRandom random = new SecureRandom();
    byte[] key = new byte[32];
    random.nextBytes(key);
    MfaSecretBox box = new MfaSecretBox(key, random);
    String sealed = box.seal(7, RFC_SEED);
    assertTrue(sealed.startsWith("v1:"));
    assertFalse(sealed.contains(Base32.encode(RFC_SEED)));
    assertArrayEquals(RFC_SEED, box.open(7, sealed));
    assertThrows(IllegalStateException.class, () -> box.open(8, sealed), "copied onto another user");
    byte[] other = new byte[32];
    random.nextBytes(other);
    assertThrows(IllegalStateException.class, () -> new MfaSecretBox(other, random).open(7, sealed), "another key");
    MfaSecretBox plain = new MfaSecretBox(null, random);
    assertArrayEquals(RFC_SEED, plain.open(7, plain.seal(7, RFC_SEED)));
  }

  @Test
  void lockOutGrowsExponentiallyAndIsBounded() {
    // threshold 3, base 30 s, max 900 s
    List<Long> expected = List.of(0L, 0L, 30L, 60L, 120L, 240L, 480L, 900L, 900L);
    for (int failures = 1; failures <= expected.size(); failures++) {
      assertEquals(expected.get(failures - 1), LoginThrottle.lockSeconds(failures, 3, 30, 900), failures + " failures");
    }
    assertEquals(900L, LoginThrottle.lockSeconds(10_000, 3, 30, 900), "no overflow");
  }

  @Test
  void roleTableGivesAdminsEverythingAndViewersOnlyReading() {
    assertTrue(Role.ADMIN.mfaRequired() && Role.SECURITY_OFFICER.mfaRequired());
    assertFalse(Role.OPS.mfaRequired() || Role.VIEWER.mfaRequired());
    for (Permission p : Permission.values()) {
      assertTrue(Role.ADMIN.may(p), p.wireName());
    }
    assertFalse(Role.VIEWER.may(Permission.USERS_MANAGE));
    assertFalse(Role.VIEWER.may(Permission.BACKUPS_MANAGE));
    assertFalse(Role.OPS.may(Permission.AUDIT_VIEW));
    assertTrue(Role.SECURITY_OFFICER.may(Permission.AUDIT_VIEW));
    assertEquals(List.of("overview", "api", "database", "alerts"), Role.panelsOf(List.of(Role.VIEWER)));
    assertEquals(Role.PANELS.keySet().stream().toList(), Role.panelsOf(List.of(Role.ADMIN)));
  }
}
