package io.bastion.security.waf.transformations;

import java.util.List;

/**
 * One distinct transformation chain of a rule set ({@code t:a,t:b,t:c}), interned with all its prefixes
 * ({@code t:a}, {@code t:a,t:b}) by {@link TransformChains}. The dense {@link #id()} lets a transaction
 * memoise each value's transformed form per chain in an array, and {@link #parent()} lets it build a
 * chain's result from the cached result of its prefix, so every step runs at most once per value.
 */
public final class TransformChain {

  private final int id;
  private final Transformation[] steps;
  private final TransformChain parent;
  private final TransformChain[] prefixes;

  TransformChain(int id, Transformation[] steps, TransformChain parent) {
    this.id = id;
    this.steps = steps;
    this.parent = parent;
    this.prefixes = new TransformChain[steps.length];
    TransformChain c = this;
    for (int i = steps.length - 1; i >= 0; i--) {
      prefixes[i] = c;
      c = c.parent;
    }
  }

  /** Dense id within the rule set; 0 is the empty chain. */
  public int id() {
    return id;
  }

  /** The transformations, in order (shared: do not modify). */
  public Transformation[] steps() {
    return steps;
  }

  public boolean isEmpty() {
    return steps.length == 0;
  }

  /** The chain without its last step (the empty chain for a one-step chain); null for the empty chain. */
  public TransformChain parent() {
    return parent;
  }

  /** The last step; only for a non-empty chain. */
  public Transformation last() {
    return steps[steps.length - 1];
  }

  /** The prefix with {@code length} steps (1..steps().length), for {@code multiMatch}. */
  public TransformChain prefix(int length) {
    return prefixes[length - 1];
  }

  /** Runs the whole chain on a value, without memoisation. */
  public String apply(String value) {
    String v = value;
    for (Transformation t : steps) {
      v = t.transform(v);
    }
    return v;
  }

  /**
   * The bytes of which a value must hold one for its result through the chain, or through any prefix of it (as
   * {@code multiMatch} tests them), to hold a byte of {@code out}: each step's {@link Transformation#inputsFor},
   * last step first. Every step keeps what it does not make, so the prefixes' needs are included.
   */
  public ByteSet inputsFor(ByteSet out) {
    ByteSet need = out;
    for (int i = steps.length - 1; i >= 0 && !need.isAll(); i--) {
      need = steps[i].inputsFor(need);
    }
    return need;
  }

  @Override
  public String toString() {
    return "chain " + id + " " + List.of(steps);
  }
}
