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

  @Override
  public boolean matches(MatchContext ctx, String input) {
    if (input.isEmpty()) {
      return false;
    }
    String fp = SqlTokenizer.fingerprint(input, (char) 0, TOKENS);
    boolean hit = AS_IS.matcher(fp).find();
    for (char q : new char[] {'\'', '"'}) {
      if (!hit && input.indexOf(q) >= 0) {
        fp = SqlTokenizer.fingerprint(input, q, TOKENS);
        hit = QUOTED.matcher(fp).find();
      }
    }
    if (hit && ctx.capturing()) {
      ctx.capture(0, fp);
    }
    return hit;
  }
}
