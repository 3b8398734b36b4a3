package io.bastion.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The chain's arithmetic: {@code hash = SHA-256(prev_hash || UTF-8(entry))}, where entry is
 * {@code {"event":<canonical AuditEvent>,"seq":<seq>}}. Putting seq inside the hashed text means a record
 * moved to another position no longer matches its hash, which is what lets verification tell a deleted,
 * inserted or reordered record from a modified one. The first record's prev_hash is 32 zero bytes.
 */
public final class ChainHash {

  public static final int LENGTH = 32;
  static final byte[] GENESIS = new byte[LENGTH];
  private static final String SEQ_SUFFIX = ",\"seq\":";

  private ChainHash() {
  }

  /** The hashed and stored text for an event already in canonical JSON. Canonical itself: keys sorted. */
  public static String entry(String canonicalEvent, long seq) {
    return "{\"event\":" + canonicalEvent + SEQ_SUFFIX + seq + "}";
  }

  /** The seq written inside an entry, or -1 if the entry does not end the way {@link #entry} writes it. */
  public static long seqOf(String entry) {
    int at = entry.lastIndexOf(SEQ_SUFFIX);
    if (at < 0 || !entry.endsWith("}")) {
      return -1;
    }
    try {
      return Long.parseLong(entry, at + SEQ_SUFFIX.length(), entry.length() - 1, 10);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The canonical AuditEvent inside an entry. */
  public static String eventOf(String entry) {
    return entry.substring("{\"event\":".length(), entry.lastIndexOf(SEQ_SUFFIX));
  }

  public static byte[] hash(byte[] prevHash, String entry) {
    MessageDigest digest = sha256();
    digest.update(prevHash);
    digest.update(entry.getBytes(StandardCharsets.UTF_8));
    return digest.digest();
  }

  public static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
