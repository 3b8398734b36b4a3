package io.bastion.security.waf;

import io.bastion.security.waf.operators.LiteralIndex;
import io.bastion.security.waf.transformations.ByteSet;
import io.bastion.security.waf.transformations.TransformChain;
import io.bastion.security.waf.transformations.Transformation;

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
   * A memo whose literal hits are this value's too, or null: {@code t:lowercase} (and {@code t:cmdLine} on most
   * values) changes ASCII letters only, which the case-insensitive index does not tell apart, so a lower-cased
   * form is not scanned again.
   */
  private final ValueMemo sameHits;
  /** The bytes the value holds, as {@link ByteSet} words; read on first use ({@link #holdsAny}). */
  private long b0;
  private long b1;
  private long b2;
  private long b3;
  private boolean bytesRead;

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
      Transformation step = chain.last();
      ByteSet changes = step.changes();
      // most FHIR values hold nothing a decoder acts on: one read of their bytes answers for every step
      String out = changes != ByteSet.ALL && !input.holdsAny(changes) ? input.value : step.transform(input.value);
      // a step that changed nothing returns its input: share that memo so its literal scan is shared too
      f = out == input.value ? input
          : new ValueMemo(out, step.changesOnlyAsciiCase(input.value, out) ? input.literalSource() : null);
      forms[chain.id()] = f;
    }
    return f;
  }

  /**
   * Whether the value holds one of the bytes: a rule whose {@link Rule#needs()} it misses cannot match it, so the
   * rule skips it without transforming or scanning it. The value is read once, for every rule.
   */
  boolean holdsAny(ByteSet bytes) {
    if (!bytesRead) {
      readBytes();
    }
    return bytes.meets(b0, b1, b2, b3);
  }

  /** Or's the bytes the value holds into {@code acc} ({@link ByteSet} words). */
  void addBytesTo(long[] acc) {
    if (!bytesRead) {
      readBytes();
    }
    acc[0] |= b0;
    acc[1] |= b1;
    acc[2] |= b2;
    acc[3] |= b3;
  }

  private void readBytes() {
    long w0 = 0;
    long w1 = 0;
    long w2 = 0;
    long w3 = 0;
    for (int i = 0, n = value.length(); i < n; i++) {
      char c = value.charAt(i);
      if (c < 128) {
        if (c < 64) {
          w0 |= 1L << c;
        } else {
          w1 |= 1L << c;
        }
      } else if (c < 192) {
        w2 |= 1L << c;
      } else if (c < 256) {
        w3 |= 1L << c;
      } else {
        w0 = w1 = w2 = w3 = -1L; // not a byte string: every rule looks at it
        break;
      }
    }
    b0 = w0;
    b1 = w1;
    b2 = w2;
    b3 = w3;
    bytesRead = true;
  }

  /** The literals of {@code index} this value holds, scanned on first use only. */
  long[] hits(LiteralIndex index) {
    if (hits == null) {
      hits = sameHits != null ? sameHits.hits(index) : index.scanBits(value);
    }
    return hits;
  }

  /** Whether the literal hits are known without a scan (this value's, or those of the memo that stands for it). */
  boolean scanned() {
    return hits != null || (sameHits != null && sameHits.scanned());
  }

  /** Whether this memo's literal hits are {@code other}'s by construction (the same memo, or a case-only change of it). */
  boolean sameHitsAs(ValueMemo other) {
    return literalSource() == other.literalSource();
  }

  /** The memo whose scan stands for this value's. */
  private ValueMemo literalSource() {
    return sameHits != null ? sameHits : this;
  }
}
