package io.bastion.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Principals of tokens that passed verification, keyed by the token's SHA-256, so a client reusing its
 * token (the normal case, for minutes) costs one hash instead of one signature check per request: an
 * ES256 or EdDSA verification costs hundreds of microseconds of event-loop time. Only successes are
 * kept, each until its own {@code exp} (plus skew); the map is bounded, and emptied when full (a cold
 * cache only costs the verifications it saves).
 */
final class VerifiedTokens {

  private record Entry(Principal principal, long validUntilSecond) {
  }

  private final int capacity;
  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

  VerifiedTokens(int capacity) {
    this.capacity = capacity;
  }

  /** The cached principal, or null when absent or no longer valid at {@code nowSecond}. */
  Principal get(String key, long nowSecond) {
    Entry entry = entries.get(key);
    if (entry == null) {
      return null;
    }
    if (nowSecond >= entry.validUntilSecond) {
      entries.remove(key, entry);
      return null;
    }
    return entry.principal;
  }

  void put(String key, Principal principal, long validUntilSecond) {
    if (entries.size() >= capacity) {
      entries.clear();
    }
    entries.put(key, new Entry(principal, validUntilSecond));
  }

  int size() {
    return entries.size();
  }

  /**
   * One digest per thread, reset by each {@code digest()}: looking one up from the providers on every request
   * cost more than hashing the token.
   */
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  });

  static String key(String token) {
    return Base64.getEncoder().encodeToString(SHA256.get().digest(token.getBytes(StandardCharsets.US_ASCII)));
  }
}
