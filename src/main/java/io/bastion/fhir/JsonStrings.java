package io.bastion.fhir;

/**
 * A string as a JSON string literal, written straight into a builder. Splicing text into JSON that is
 * otherwise copied as is (revealed PHI values, a search entry's fullUrl) went through Jackson's generator
 * per value, which cost more than the copy around it. Escapes exactly as Jackson does: quote, backslash,
 * the short forms \b \t \n \f \r and {@code \}{@code u00XX} for the other control characters; the rest is
 * copied.
 */
public final class JsonStrings {

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private JsonStrings() {
  }

  /** Appends the value quoted and escaped; returns the builder. */
  public static StringBuilder appendQuoted(StringBuilder out, String value) {
    out.append('"');
    int from = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\') {
        continue;
      }
      out.append(value, from, i).append('\\');
      switch (c) {
        case '"', '\\' -> out.append(c);
        case '\b' -> out.append('b');
        case '\t' -> out.append('t');
        case '\n' -> out.append('n');
        case '\f' -> out.append('f');
        case '\r' -> out.append('r');
        default -> out.append("u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
      }
      from = i + 1;
    }
    return out.append(value, from, value.length()).append('"');
  }
}
