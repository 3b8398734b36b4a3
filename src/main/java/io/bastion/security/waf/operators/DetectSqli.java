package io.bastion.security.waf.operators;

import java.util.regex.Pattern;

/**
 * {@code @detectSQLi}: Bastion's own SQL injection detector, equivalent in intent (not in output) to
 * libinjection. First version, honestly labelled: like libinjection it lexes the input three times — as
 * is, and as if it continued a single- or double-quoted SQL string — keeps the first
 * {@value #TOKENS} token classes of each ({@link SqlTokenizer}) and matches that fingerprint against
 * shapes legitimate text does not produce: a closed string followed by a logical operator, a statement
 * keyword, a comment or a comparison; tautologies on numbers ({@code 1 or 1=1}); UNION [ALL] SELECT;
 * stacked statements; well-known SQL functions called at the start. Only the first tokens count, so SQL
 * words deep inside prose or a path do not trigger it (as with libinjection). With {@code capture}, TX:0
 * is the fingerprint.
 */
public final class DetectSqli implements Operator {

  static final int TOKENS = 5;

  /** Shapes for the quote contexts (the fingerprint starts with the string that the quote closed). */
  private static final Pattern QUOTED = Pattern.compile(
      "^s\\)*(?:&[^$]|[KS]|Uk?S|c|o[snvfF(]|;[KS]|F\\()|^s\\)*$(?<=\\))");
  /** Shapes for the input as is. */
  private static final Pattern AS_IS = Pattern.compile(
      "^[nsbv]?\\)*U(?:k)?S|^[nbv]\\)*&[snv]o[snv]|^[snbv]?\\)*;[KSU]|^F\\(|^[snb]\\)*&F\\(|^[sn]c$"
          + "|^[nb]\\)+&|^S[^b]*K");

  private static final char[] QUOTES = {'\'', '"'};

  @Override
  public boolean matches(MatchContext ctx, String input) {
    if (input.isEmpty()) {
      return false;
    }
    String fp = SqlTokenizer.fingerprint(input, (char) 0, TOKENS);
    boolean hit = mayBeAsIs(fp) && AS_IS.matcher(fp).find();
    for (char q : QUOTES) {
      if (!hit && input.indexOf(q) >= 0) {
        fp = SqlTokenizer.fingerprint(input, q, TOKENS);
        hit = mayBeQuoted(fp) && QUOTED.matcher(fp).find();
      }
    }
    if (hit && ctx.capturing()) {
      ctx.capture(0, fp);
    }
    return hit;
  }

  /**
   * False when {@link #AS_IS} cannot match: each of its branches holds a {@code U}, {@code &}, {@code ;},
   * {@code F} or {@code c}, or starts with {@code S} (most benign values: words, numbers, operators).
   */
  static boolean mayBeAsIs(String fp) {
    if (!fp.isEmpty() && fp.charAt(0) == 'S') {
      return true;
    }
    for (int k = 0; k < fp.length(); k++) {
      if ("U&;Fc".indexOf(fp.charAt(k)) >= 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * False when {@link #QUOTED} cannot match: after its leading {@code s} and any {@code )}, a branch needs one of
   * {@code & K S U c o ; F}, or the end of the fingerprint after at least one {@code )}.
   */
  static boolean mayBeQuoted(String fp) {
    if (fp.isEmpty() || fp.charAt(0) != 's') {
      return false;
    }
    int p = 1;
    while (p < fp.length() && fp.charAt(p) == ')') {
      p++;
    }
    return p < fp.length() ? "&KSUco;F".indexOf(fp.charAt(p)) >= 0 : p > 1;
  }

  @Override
  public boolean dependsOnValueOnly() {
    return true;
  }
}
