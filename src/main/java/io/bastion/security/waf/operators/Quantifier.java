package io.bastion.security.waf.operators;

/**
 * A regex quantifier as the pattern readers of this package see it ({@link RequiredLiterals},
 * {@link RegexSupersetParser}): {@code *}, {@code +}, {@code ?}, {@code {n}}, {@code {n,}} or {@code {n,m}},
 * with a lazy ({@code ?}) or possessive ({@code +}) suffix read and dropped, since both readers only ask which
 * strings a repetition can match, not which match is found first.
 *
 * @param min the fewest repetitions
 * @param max the most, or -1 for no bound
 * @param end the index just after the quantifier and its suffix
 */
record Quantifier(int min, int max, int end) {

  /** The quantifier starting at {@code i} in {@code pattern}, or null when none starts there. */
  static Quantifier at(String pattern, int i) {
    if (i >= pattern.length()) {
      return null;
    }
    int min;
    int max;
    int next;
    char c = pattern.charAt(i);
    if (c == '*' || c == '+' || c == '?') {
      min = c == '+' ? 1 : 0;
      max = c == '?' ? 1 : -1;
      next = i + 1;
    } else if (c == '{') {
      int close = pattern.indexOf('}', i);
      if (close < 0 || !pattern.substring(i + 1, close).matches("\\d+(,\\d*)?")) {
        return null;
      }
      String body = pattern.substring(i + 1, close);
      int comma = body.indexOf(',');
      min = Integer.parseInt(comma < 0 ? body : body.substring(0, comma));
      max = comma < 0 ? min : comma == body.length() - 1 ? -1 : Integer.parseInt(body.substring(comma + 1));
      next = close + 1;
    } else {
      return null;
    }
    if (next < pattern.length() && (pattern.charAt(next) == '?' || pattern.charAt(next) == '+')) {
      next++;
    }
    return new Quantifier(min, max, next);
  }
}
