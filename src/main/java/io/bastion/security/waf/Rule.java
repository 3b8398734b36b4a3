package io.bastion.security.waf;

import io.bastion.security.waf.actions.RuleAction;
import io.bastion.security.waf.operators.Operator;
import io.bastion.security.waf.transformations.ByteSet;
import io.bastion.security.waf.transformations.TransformChain;
import io.bastion.security.waf.transformations.TransformChains;
import io.bastion.security.waf.transformations.Transformation;
import io.bastion.security.waf.variables.Macro;
import io.bastion.security.waf.variables.Target;
import io.bastion.security.waf.variables.TargetList;
import java.util.ArrayList;
import java.util.List;

/**
 * A compiled rule ({@code SecRule}, {@code SecAction} or {@code SecMarker}): immutable and shared by every
 * transaction on every thread. A chain is a linked list through {@link #chained()}; only the chain
 * starter carries the id, phase, disruptive action and flow actions.
 */
public final class Rule {

  /** What a matching rule does to the transaction. */
  public enum Disruptive { NONE, PASS, DENY, BLOCK, DROP, ALLOW, ALLOW_PHASE, ALLOW_REQUEST }

  private final int id;
  private final int phase;
  private final String location;
  private final String marker;
  private final TargetList targets;
  private final boolean unconditional;
  private final Operator operator;
  private final String operatorName;
  private final boolean negated;
  private final TransformChain chain;
  /** Bytes a value must hold one of for this rule to possibly match it ({@link #needs()}). */
  private final ByteSet needs;
  private final boolean multiMatch;
  private final boolean capture;
  private final boolean log;
  private final Disruptive disruptive;
  private final int status;
  private final Macro msg;
  private final Macro logData;
  private final List<String> tags;
  private final long[] tagBits;
  private final RuleAction[] actionArray;
  private final int severity;
  private final List<RuleAction> actions;
  private final int skip;
  private final String skipAfter;
  private final Rule chained;

  private Rule(Builder b, Rule chained, TransformChain chain) {
    this.id = b.id;
    this.phase = b.phase;
    this.location = b.location;
    this.marker = b.marker;
    this.targets = new TargetList(b.targets);
    this.unconditional = b.unconditional;
    this.operator = b.operator;
    this.operatorName = b.operatorName;
    this.negated = b.negated;
    this.chain = chain;
    this.needs = needs(b.operator, b.negated, chain);
    this.multiMatch = b.multiMatch;
    this.capture = b.capture;
    this.log = b.log;
    this.disruptive = b.disruptive;
    this.status = b.status;
    this.msg = b.msg;
    this.logData = b.logData;
    this.tags = List.copyOf(b.tags);
    this.tagBits = TagIds.bits(b.tags);
    this.severity = b.severity;
    this.actions = List.copyOf(b.actions);
    this.actionArray = b.actions.toArray(new RuleAction[0]);
    this.skip = b.skip;
    this.skipAfter = b.skipAfter;
    this.chained = chained;
  }

  public int id() {
    return id;
  }

  public int phase() {
    return phase;
  }

  /** {@code file:line} where the rule was written. */
  public String location() {
    return location;
  }

  /** The marker name for SecMarker, else null. */
  public String marker() {
    return marker;
  }

  public TargetList targets() {
    return targets;
  }

  /** True for SecAction: no targets, always matches once. */
  public boolean unconditional() {
    return unconditional;
  }

  public Operator operator() {
    return operator;
  }

  public String operatorName() {
    return operatorName;
  }

  public boolean negated() {
    return negated;
  }

  public Transformation[] transformations() {
    return chain.steps();
  }

  /** The interned transformation chain (shared by every rule of the set with the same chain). */
  public TransformChain chain() {
    return chain;
  }

  /**
   * Bytes of which a value must hold one for this rule's operator to match it through the chain (or, with
   * {@code multiMatch}, any prefix of it): the operator's {@link Operator#requiredBytes}, widened by each step's
   * {@link Transformation#inputsFor}. {@link ByteSet#ALL} (the same instance) when nothing can be skipped: no
   * such bytes, or a negated operator, which matches exactly the values the operator does not.
   */
  public ByteSet needs() {
    return needs;
  }

  private static ByteSet needs(Operator operator, boolean negated, TransformChain chain) {
    if (operator == null || negated) {
      return ByteSet.ALL;
    }
    ByteSet bytes = operator.requiredBytes(chain::inputsFor);
    return bytes.isAll() ? ByteSet.ALL : bytes;
  }

  public boolean multiMatch() {
    return multiMatch;
  }

  public boolean capture() {
    return capture;
  }

  public boolean log() {
    return log;
  }

  public Disruptive disruptive() {
    return disruptive;
  }

  public int status() {
    return status;
  }

  public Macro msg() {
    return msg;
  }

  public Macro logData() {
    return logData;
  }

  public List<String> tags() {
    return tags;
  }

  /** Whether the rule carries that tag. */
  public boolean hasTag(String tag) {
    return TagIds.has(tagBits, TagIds.find(tag));
  }

  /** Whether the rule carries the tag with that {@link TagIds} id: runtime exclusions by tag ask every rule. */
  boolean hasTag(int tagId) {
    return TagIds.has(tagBits, tagId);
  }

  public int severity() {
    return severity;
  }

  public List<RuleAction> actions() {
    return actions;
  }

  /** The actions as an array (shared: do not modify), for iteration without an iterator. */
  public RuleAction[] actionArray() {
    return actionArray;
  }

  public int skip() {
    return skip;
  }

  public String skipAfter() {
    return skipAfter;
  }

  public Rule chained() {
    return chained;
  }

  @Override
  public String toString() {
    return marker != null ? "SecMarker " + marker + " at " + location : "rule " + id + " at " + location;
  }

  /** Mutable while the parser assembles a rule (and applies SecRuleUpdate... to it); then built once. */
  public static final class Builder {
    public int id;
    public int phase = 2;
    public boolean phaseSet;
    public String location = "";
    public String marker;
    public List<Target> targets = new ArrayList<>();
    public boolean unconditional;
    public Operator operator;
    public String operatorName = "";
    public boolean negated;
    public List<Transformation> transformations = new ArrayList<>();
    public boolean transformationsSet;
    public boolean multiMatch;
    public boolean capture;
    public Boolean log;
    public Disruptive disruptive;
    public int status;
    public Macro msg;
    public Macro logData;
    public List<String> tags = new ArrayList<>();
    public int severity = -1;
    public List<RuleAction> actions = new ArrayList<>();
    public int skip;
    public String skipAfter;
    public boolean chain;
    public Builder chained;
    public String rawMsg = "";

    /** Builds this rule and its chain. */
    public Rule build() {
      return build(new TransformChains());
    }

    /**
     * Builds this rule and its chain; {@code chains} interns the transformation chains of the whole rule
     * set, so a transaction can cache each value's transformed form once for all rules that share it.
     */
    public Rule build(TransformChains chains) {
      Rule next = chained == null ? null : chained.build(chains);
      if (log == null) {
        log = true;
      }
      if (disruptive == null) {
        disruptive = Disruptive.NONE;
      }
      return new Rule(this, next, chains.intern(transformations));
    }
  }
}
