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

  /**
   * The bytes of which an input must hold at least one for this transformation's output to hold a byte of
   * {@code out} (every byte, the default, when the transformation does not say). A byte of {@code out} the
   * transformation keeps as it is stays in the answer, so the answer is always a superset of {@code out}.
   * Lets a rule skip a value that cannot hold what its operator needs, before transforming it.
   */
  default ByteSet inputsFor(ByteSet out) {
    return ByteSet.ALL;
  }

  /**
   * Bytes of which an input must hold one for this transformation to change it (every byte, the default, when the
   * transformation does not say): a value holding none is its own result, found without reading it again.
   */
  default ByteSet changes() {
    return ByteSet.ALL;
  }

  /**
   * Whether {@code out}, this transformation's result for {@code in} (not the same instance), differs from it only
   * in the case of ASCII letters (false, the default, when the transformation does not say). Such a form holds
   * exactly the literals of the case-insensitive literal index that its input holds, so it is not scanned again.
   */
  default boolean changesOnlyAsciiCase(String in, String out) {
    return false;
  }

  /** Returns {@code out} unless it equals {@code in}, in which case {@code in} (so "unchanged" is exact). */
  static String result(String in, CharSequence out) {
    if (out.length() == in.length() && in.contentEquals(out)) {
      return in;
    }
    return out.toString();
  }
}
