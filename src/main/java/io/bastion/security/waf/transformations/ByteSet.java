package io.bastion.security.waf.transformations;

/**
 * An immutable set of bytes (chars 0-255 of the engine's byte strings), as four 64-bit words. It says which
 * bytes a value must hold for a rule to possibly match it: an {@code @rx} names the bytes its required literals
 * need ({@code Operator#requiredBytes}), each transformation of the rule's chain widens them to the input bytes
 * that could produce them ({@link Transformation#inputsFor}), and a transaction then skips a value holding
 * none of them with a few word operations, before transforming or scanning it.
 */
public final class ByteSet {

  /** Every byte: "cannot tell", never lets a value be skipped. */
  public static final ByteSet ALL = new ByteSet(-1L, -1L, -1L, -1L);
  public static final ByteSet NONE = new ByteSet(0, 0, 0, 0);

  /** Bytes 0-63, 64-127, 128-191 and 192-255. */
  public final long w0;
  public final long w1;
  public final long w2;
  public final long w3;

  private ByteSet(long w0, long w1, long w2, long w3) {
    this.w0 = w0;
    this.w1 = w1;
    this.w2 = w2;
    this.w3 = w3;
  }

  /** The set of these bytes; a char above 255 (never in a byte string) makes it {@link #ALL}. */
  public static ByteSet of(CharSequence bytes) {
    ByteSet out = NONE;
    for (int i = 0; i < bytes.length(); i++) {
      out = out.with(bytes.charAt(i));
    }
    return out;
  }

  /** This set with one more byte; a char above 255 gives {@link #ALL}. */
  public ByteSet with(int c) {
    if (c < 0 || c > 255) {
      return ALL;
    }
    long bit = 1L << c;
    return switch (c >> 6) {
      case 0 -> new ByteSet(w0 | bit, w1, w2, w3);
      case 1 -> new ByteSet(w0, w1 | bit, w2, w3);
      case 2 -> new ByteSet(w0, w1, w2 | bit, w3);
      default -> new ByteSet(w0, w1, w2, w3 | bit);
    };
  }

  public ByteSet union(ByteSet other) {
    return new ByteSet(w0 | other.w0, w1 | other.w1, w2 | other.w2, w3 | other.w3);
  }

  public boolean contains(int c) {
    if (c < 0 || c > 255) {
      return this == ALL;
    }
    long word = switch (c >> 6) {
      case 0 -> w0;
      case 1 -> w1;
      case 2 -> w2;
      default -> w3;
    };
    return (word & (1L << c)) != 0;
  }

  public boolean isAll() {
    return (w0 & w1 & w2 & w3) == -1L;
  }

  /** Whether a value whose bytes are the words {@code b0..b3} holds one of this set's bytes. */
  public boolean meets(long b0, long b1, long b2, long b3) {
    return ((b0 & w0) | (b1 & w1) | (b2 & w2) | (b3 & w3)) != 0;
  }

  /** This set plus, for each ASCII letter in it, the same letter in the other case. */
  public ByteSet withBothCases() {
    long lower = w1 & 0x07fffffe_00000000L; // 'a'-'z' are bits 33-58 of the second word
    long upper = w1 & 0x00000000_07fffffeL; // 'A'-'Z' are bits 1-26
    return new ByteSet(w0, w1 | lower >>> 32 | upper << 32, w2, w3);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ByteSet b && b.w0 == w0 && b.w1 == w1 && b.w2 == w2 && b.w3 == w3;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(w0 ^ w1 * 31 ^ w2 * 961 ^ w3 * 29791);
  }

  @Override
  public String toString() {
    if (isAll()) {
      return "[all]";
    }
    StringBuilder sb = new StringBuilder("[");
    for (int c = 0; c < 256; c++) {
      if (contains(c)) {
        sb.append(c > 32 && c < 127 ? String.valueOf((char) c) : String.format("\\x%02x", c));
      }
    }
    return sb.append(']').toString();
  }
}
