package io.bastion.security.waf.transformations;

/**
 * A SecLang transformation ({@code t:name}). Values are byte strings: one char per request byte
 * (ISO-8859-1), so transformations work on bytes exactly as ModSecurity's do.
 *
 * <p>Implementations report whether they changed the input by returning the <em>same instance</em> when
 * nothing changed; {@code multiMatch} and the per-transaction transformation cache rely on that.
 */
@FunctionalInterface
public interface Transformation {

  /** The transformed value, or {@code input} itself (same reference) when unchanged. */
  String transform(String input);

  /** Returns {@code out} unless it equals {@code in}, in which case {@code in} (so "unchanged" is exact). */
  static String result(String in, CharSequence out) {
    if (out.length() == in.length() && in.contentEquals(out)) {
      return in;
    }
    return out.toString();
  }
}
