package io.bastion.security.waf;

import io.bastion.security.waf.operators.LiteralIndex;
import io.bastion.security.waf.transformations.LowerCase;
import io.bastion.security.waf.transformations.TransformChain;

/**
 * What one transaction has learned about one value: its transformed forms (each a memo of its own) and
 * which literals of the rule set's index it holds. One object per value, so a rule inspecting a value
 * costs one identity lookup (for the collected value) instead of one for its forms and one more for the
 * literal hits of the form it tests. Not thread-safe; owned by one {@link Transaction}.
 */
final class ValueMemo {

  final String value;
  /** The forms by {@link TransformChain#id()}, null until computed; a form equal to its input is that memo. */
  private ValueMemo[] forms;
  /** The literal-index hits ({@link LiteralIndex#scanBits}), null until an operator consults them. */
  private long[] hits;
  /**
   * A memo whose literal hits are this value's too, or null: {@code t:lowercase} changes ASCII letters only,
   * which the case-insensitive index does not tell apart, so a lower-cased form is not scanned again.
   */
  private final ValueMemo sameHits;

  ValueMemo(String value) {
    this(value, null);
  }

  private ValueMemo(String value, ValueMemo sameHits) {
    this.value = value;
    this.sameHits = sameHits;
  }

  /** The value through the chain, each step computed at most once for this value. */
  ValueMemo form(TransformChain chain, int chainCount) {
    if (chain.isEmpty()) {
      return this;
    }
    if (forms == null) {
      forms = new ValueMemo[chainCount];
    }
    ValueMemo f = forms[chain.id()];
    if (f == null) {
      ValueMemo input = form(chain.parent(), chainCount);
      String out = chain.last().transform(input.value);
      // a step that changed nothing returns its input: share that memo so its literal scan is shared too
      f = out == input.value ? input
          : new ValueMemo(out, chain.last() instanceof LowerCase ? input.literalSource() : null);
      forms[chain.id()] = f;
    }
    return f;
  }

  /** The literals of {@code index} this value holds, scanned on first use only. */
  long[] hits(LiteralIndex index) {
    if (hits == null) {
      hits = sameHits != null ? sameHits.hits(index) : index.scanBits(value);
    }
    return hits;
  }

  /** The memo whose scan stands for this value's. */
  private ValueMemo literalSource() {
    return sameHits != null ? sameHits : this;
  }
}
