package io.bastion.fhir.search;

import java.text.Normalizer.Form;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * String search values as stored and as searched: accents removed (NFD, combining marks dropped), lower
 * case, whitespace collapsed, cut to a length a btree entry always takes. Both sides pass through the same
 * function, so starts-with on the normalised column is case- and accent-insensitive.
 */
public final class Normalizer {

  /** Longest normalised value kept; longer strings are matched on this prefix. */
  public static final int MAX_LENGTH = 200;
  private static final Pattern MARKS = Pattern.compile("\\p{M}+");
  private static final Pattern SPACES = Pattern.compile("\\s+");

  private Normalizer() {
  }

  public static String normalize(String value) {
    String plain = isAscii(value) ? normalizeAscii(value) : normalizeUnicode(value);
    return plain.length() > MAX_LENGTH ? plain.substring(0, MAX_LENGTH) : plain;
  }

  /** The general form: decompose, drop marks, collapse whitespace, trim, lower case. */
  static String normalizeUnicode(String value) {
    String decomposed = java.text.Normalizer.normalize(value, Form.NFD);
    return SPACES.matcher(MARKS.matcher(decomposed).replaceAll("")).replaceAll(" ").trim().toLowerCase(Locale.ROOT);
  }

  /**
   * The same for ASCII text, which has nothing to decompose and no marks, in one pass: most indexed strings
   * are ASCII, and the regular expressions were a quarter of the cost of indexing a resource.
   */
  private static String normalizeAscii(String value) {
    StringBuilder out = new StringBuilder(value.length());
    boolean space = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r') { // regex \s
        if (!space) {
          out.append(' ');
        }
        space = true;
      } else {
        out.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
        space = false;
      }
    }
    return out.toString().trim();
  }

  private static boolean isAscii(String value) {
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /** Escapes LIKE wildcards so a user's value matches literally. */
  public static String escapeLike(String value) {
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }
}
