package io.bastion.security.waf.operators;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The literal scans of the credentials this thread saw last: a client sends the same bearer token (or API key)
 * with every request for the token's lifetime, and scanning a ~500-character JWT against the literal index
 * was the largest single item of a FHIR read's WAF cost. A scan is a pure function of the value and the
 * index, so a kept bitmap is exactly what scanning again would give.
 * <p>
 * Only values shaped like an HTTP credential are kept ({@code [scheme SP] token68}, RFC 7235: letters, digits
 * and {@code -._~+/}, trailing {@code =}; at least {@link #MIN_LENGTH} characters): they repeat, and they
 * cannot be free text, so no clinical prose is held beyond its request. The credentials themselves are: up to
 * {@link #CAPACITY} recent tokens per event-loop thread stay in memory as the cache's keys (never logged or
 * exported; a bearer token from Bastion's own endpoint lives 5 minutes), which a heap dump would show, as it
 * would the requests in flight. Per thread and per index (a reload brings a new index and so an empty cache);
 * least recently used first out.
 * The bitmaps handed out are shared: callers treat them as read-only, as they already do the shared empty one.
 */
final class CredentialScans {

  static final int MIN_LENGTH = 64;
  static final int CAPACITY = 64;

  private final Map<String, long[]> recent = new LinkedHashMap<>(CAPACITY * 2, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
      return size() > CAPACITY;
    }
  };

  /**
   * The credential this thread was asked about last, and its scan: compared whole first (an intrinsic), it spares
   * the usual repeat its shape check and its hash, two more walks of ~500 characters that a new String per
   * request pays each time. Kept besides the map, so at most one credential more stays in memory.
   */
  private String last;
  private long[] lastBits;

  /** The value's scan, from this thread's recent credentials when it is one of them. */
  long[] scan(String value, Function<String, long[]> scanner) {
    if (value.equals(last)) { // only credentials become last, so an equal value is one
      return lastBits;
    }
    if (!credentialShaped(value)) {
      return scanner.apply(value);
    }
    long[] bits = recent.get(value);
    if (bits == null) {
      bits = scanner.apply(value);
      recent.put(value, bits);
    }
    last = value;
    lastBits = bits;
    return bits;
  }

  /** {@code [scheme SP] token68} of at least {@link #MIN_LENGTH} characters. */
  static boolean credentialShaped(String value) {
    int n = value.length();
    if (n < MIN_LENGTH) {
      return false;
    }
    int i = 0;
    while (i < n && isLetter(value.charAt(i))) {
      i++;
    }
    if (i < n && value.charAt(i) == ' ') {
      i++; // a scheme ("Bearer ", "Basic "), else the whole value is the token
    } else {
      i = 0;
    }
    int tokenStart = i;
    while (i < n && isToken68(value.charAt(i))) {
      i++;
    }
    if (i == tokenStart) {
      return false;
    }
    while (i < n && value.charAt(i) == '=') {
      i++;
    }
    return i == n;
  }

  private static boolean isLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isToken68(char c) {
    return isLetter(c) || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~' || c == '+'
        || c == '/';
  }
}
