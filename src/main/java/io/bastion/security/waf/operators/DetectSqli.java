package io.bastion.security.waf.operators;

import java.util.regex.Pattern;

/**
 * {@code @detectSQLi}: Bastion's own SQL injection detector, equivalent in intent (not in output) to
 * libinjection. First version, honestly labelled: the input is lexed by {@link SqlTokenizer} three times
 * — as is, and as if it continued a single- or double-quoted string — and each token-class fingerprint
 * is matched against a short list of shapes that legitimate text does not produce: a string or number
 * followed by a logical operator and a comparison (tautologies), UNION followed by SELECT, stacked
 * queries, a closed string followed by a comment, and well-known SQL functions called after a break-out.
 * With {@code capture}, TX:0 is the fingerprint.
 */
public final class DetectSqli implements Operator {

  private static final Pattern SHAPES = Pattern.compile(String.join("|",
      "^s&[sn]o[sn]", "^s&[sn]$", "^s&[sn]c", "^n&[sn]o[sn]", "^[sn]&f\\(", "^s[&o]?\\)*&?f\\(",
      "^[snb]?\\)*U", "U(k)*k", "^s;k", "^n;k", ";k", "^sc$", "^s\\)*c", "^s&b", "^soc", "^sos",
      "^s&k", "^n&k", "^nU", "^s\\)+U", "^s&\\(", "^[sn]o\\(", "^[sn]c$", "^bU", "^n\\)+&[sn]o",
      "^s\\)+&[sn]o"));
  private static final Pattern BENIGN_AS_IS = Pattern.compile("^(?:[bnk&o,]*)$");

  @Override
  public boolean matches(MatchContext ctx, String input) {
    if (input.isEmpty()) {
      return false;
    }
    String[] prints = {
        SqlTokenizer.fingerprint(input, (char) 0, 8),
        SqlTokenizer.fingerprint(input, '\'', 8),
        SqlTokenizer.fingerprint(input, '"', 8)};
    for (int k = 0; k < prints.length; k++) {
      String fp = prints[k];
      if (k > 0 && input.indexOf(k == 1 ? '\'' : '"') < 0) {
        continue;
      }
      if (k == 0 && BENIGN_AS_IS.matcher(fp).matches() && fp.indexOf('&') < 0) {
        continue;
      }
      if (SHAPES.matcher(fp).find()) {
        if (ctx.capturing()) {
          ctx.capture(0, fp);
        }
        return true;
      }
    }
    return false;
  }
}
