package io.bastion.security.waf.operators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Which values count as credentials, and that a kept scan is the scan. */
class CredentialScansTest {

  private static final String JWT = "eyJraWQiOiJiN2o0aHVWSnpHdU1NWGNPSk55UmZBQjVGczB6eUlxR1JfNFJiVVRnM0dzIiwidHlwIjoiYXQrand0"
      + "In0.eyJzdWIiOiJiY2xfbWRFd2t3ektmRjFYX3JoeEhDTUxvUSJ9.c2lnbmF0dXJlLXVuaW9uLXNlbGVjdC1vci0x";

  @Test
  void credentialsAreASchemeAndAToken68OrAToken68Alone() {
    assertTrue(CredentialScans.credentialShaped("Bearer " + JWT));
    assertTrue(CredentialScans.credentialShaped(JWT));
    assertTrue(CredentialScans.credentialShaped("Basic " + "dXNlcjpwYXNzd29yZA".repeat(4) + "=="));
    assertFalse(CredentialScans.credentialShaped("Bearer " + JWT.substring(0, 40)), "shorter than 64");
    assertFalse(CredentialScans.credentialShaped("Bearer " + JWT + " or 1=1"), "a space after the token");
    assertFalse(CredentialScans.credentialShaped("Bearer ${jndi:ldap://x.example/a}" + JWT), "$ { : are no token68");
    assertFalse(CredentialScans.credentialShaped("Bearer " + JWT + "\r\nSet-Cookie: a=b"), "CR LF");
    assertFalse(CredentialScans.credentialShaped("Bearer " + JWT + "'--"), "a quote");
    assertFalse(CredentialScans.credentialShaped("Bearer =" + JWT), "padding only at the end");
    assertFalse(CredentialScans.credentialShaped("the patient reports chest pain radiating to the left arm since"
        + " yesterday evening"), "free text");
  }

  @Test
  void aRepeatedCredentialIsScannedOnceAndGetsTheSameBitsAsAScan() {
    AhoCorasick automaton = new AhoCorasick(List.of("eyj", "in0", "-or-", "jndi", "union"));
    AtomicInteger scans = new AtomicInteger();
    CredentialScans cache = new CredentialScans();
    java.util.function.Function<String, long[]> scanner = v -> {
      scans.incrementAndGet();
      long[] bits = automaton.findAllBits(v);
      return bits == null ? new long[0] : bits;
    };
    String token = "Bearer " + JWT;
    long[] first = cache.scan(token, scanner);
    long[] again = cache.scan(new String(token.toCharArray()), scanner); // equal, not the same instance
    assertSame(first, again);
    assertEquals(1, scans.get());
    assertArrayEquals(automaton.findAllBits(token), first);
    assertEquals(2, Long.bitCount(first[0]), "eyj and in0");
    String other = "Bearer " + JWT.replace('1', 'x').replace('L', 'y');
    assertArrayEquals(automaton.findAllBits(other), cache.scan(other, scanner));
    assertEquals(2, scans.get());
    assertSame(first, cache.scan(new String(token.toCharArray()), scanner), "the first token, kept after another");
    assertEquals(2, scans.get());
    String text = "union select " + "a".repeat(60);
    long[] notKept = cache.scan(text, scanner);
    assertNotSame(notKept, cache.scan(text, scanner), "a value that is no credential is scanned every time");
    assertEquals(4, scans.get());
  }

  @Test
  void atMostCapacityCredentialsAreKept() {
    CredentialScans cache = new CredentialScans();
    AtomicInteger scans = new AtomicInteger();
    java.util.function.Function<String, long[]> scanner = v -> {
      scans.incrementAndGet();
      return new long[0];
    };
    for (int i = 0; i <= CredentialScans.CAPACITY; i++) {
      cache.scan("Bearer " + JWT + i, scanner);
    }
    cache.scan("Bearer " + JWT + CredentialScans.CAPACITY, scanner); // the newest stays
    assertEquals(CredentialScans.CAPACITY + 1, scans.get());
    cache.scan("Bearer " + JWT + 0, scanner); // the eldest went
    assertEquals(CredentialScans.CAPACITY + 2, scans.get());
  }
}
