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
    String decomposed = java.text.Normalizer.normalize(value, Form.NFD);
    String plain = SPACES.matcher(MARKS.matcher(decomposed).replaceAll("")).replaceAll(" ").trim()
        .toLowerCase(Locale.ROOT);
    return plain.length() > MAX_LENGTH ? plain.substring(0, MAX_LENGTH) : plain;
  }

  /** Escapes LIKE wildcards so a user's value matches literally. */
  public static String escapeLike(String value) {
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }
}
