package io.bastion.security;

import io.bastion.security.waf.EngineMode;
import io.bastion.security.waf.Interruption;
import io.bastion.security.waf.MatchedRule;
import io.bastion.security.waf.RuleSet;
import io.bastion.security.waf.Transaction;
import io.bastion.security.waf.WafConfigException;
import io.bastion.security.waf.WafEngine;
import io.bastion.security.waf.WafRequest;
import io.bastion.security.waf.collections.PersistentCollections;
import io.bastion.security.waf.parser.SecLangParser;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The WAF as the gateway runs it, immutable: the compiled rules (shared by every gateway instance), the
 * mode and the rules disabled at runtime (both changed by swapping a new instance into {@link WafRuntime}),
 * and the verdict policy (a {@code deny}, or an exhausted evaluation budget, blocks in
 * {@code on} mode; see docs/rationale.md). Free of Vert.x handlers: {@code gateway.WafHandler} does the HTTP part.
 */
public final class InlineWaf {

  /** Id of the generated SecAction that sets the paranoia level (1-99,999 is reserved for local rules). */
  static final int PARANOIA_RULE_ID = 99_001;

  /** What the gateway does with a request after evaluation. */
  public enum Outcome {
    PASS, DETECTED, BLOCKED;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final CompiledRules compiled;
  private final WafConfig.Mode mode;
  private final int requestBodyLimit;
  /** Rule ids switched off at runtime (ctl waf disable-rule); kept across reloads and mode changes. */
  private final Set<Integer> disabledRules;
  private final int[] disabledIds;

  InlineWaf(WafEngine engine, WafConfig.Mode mode, int requestBodyLimit) {
    this(new CompiledRules(engine, List.of(), java.time.Instant.now()), mode, requestBodyLimit, Set.of());
  }

  InlineWaf(CompiledRules compiled, WafConfig.Mode mode, int requestBodyLimit, Set<Integer> disabledRules) {
    this.compiled = compiled;
    this.mode = mode;
    this.requestBodyLimit = requestBodyLimit;
    this.disabledRules = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(disabledRules));
    this.disabledIds = new TreeSet<>(disabledRules).stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * Compiles the configured rules (blocking file I/O and regex compilation: call off the event loop).
   * Returns null when waf.rules is empty (nothing to run, whatever the mode).
   *
   * @throws WafConfigException listing every problem as {@code file:line: message}
   */
  public static InlineWaf load(WafConfig config) throws WafConfigException {
    return load(config, java.time.Clock.systemUTC());
  }

  /** As above; {@code clock} times the persistent collections' expiry. */
  public static InlineWaf load(WafConfig config, java.time.Clock clock) throws WafConfigException {
    if (config.rules().isEmpty()) {
      return null;
    }
    PersistentCollections collections = new PersistentCollections(config.collectionsMaxRecords(), clock::millis);
    return new InlineWaf(compile(config, collections), config.mode(), config.requestBodyLimit(), Set.of());
  }

  /**
   * Parses and compiles waf.rules into a new rule set (blocking: call on a worker). Used at start-up and by
   * every reload; the result is swapped in whole, so a failure leaves the running set untouched. The IP and
   * GLOBAL collections are the node's store, handed from set to set so a reload keeps them.
   *
   * @throws WafConfigException listing every problem as {@code file:line: message}
   */
  public static CompiledRules compile(WafConfig config, PersistentCollections collections) throws WafConfigException {
    SecLangParser parser = SecLangParser.standard();
    if (config.paranoiaLevel() > 0) {
      parser.parseText(Path.of("(waf.paranoia-level)"), "SecAction \"id:" + PARANOIA_RULE_ID
          + ",phase:1,pass,nolog,t:none,setvar:tx.blocking_paranoia_level=" + config.paranoiaLevel() + "\"\n");
    }
    for (String rule : config.rules()) {
      if (BuiltinRules.names(rule)) {
        BuiltinRules.parseInto(parser, rule);
      } else {
        parser.parseFile(Path.of(rule));
      }
    }
    RuleSet rules = parser.compile();
    return new CompiledRules(new WafEngine(rules, collections, parser.collectionTimeoutSeconds()), config.rules(),
        java.time.Instant.now());
  }

  /** The same rules and controls in another mode. */
  public InlineWaf withMode(WafConfig.Mode newMode) {
    return new InlineWaf(compiled, newMode, requestBodyLimit, disabledRules);
  }

  /** A freshly compiled rule set under the current mode and disabled rules (what a reload swaps in). */
  public InlineWaf withRules(CompiledRules newRules) {
    return new InlineWaf(newRules, mode, requestBodyLimit, disabledRules);
  }

  /** With the rule switched off (disabled) or back on. */
  public InlineWaf withRuleDisabled(int id, boolean disabled) {
    Set<Integer> ids = new TreeSet<>(disabledRules);
    if (disabled) {
      ids.add(id);
    } else {
      ids.remove(id);
    }
    return new InlineWaf(compiled, mode, requestBodyLimit, ids);
  }

  public CompiledRules compiled() {
    return compiled;
  }

  public RuleSet rules() {
    return compiled.engine().rules();
  }

  public WafConfig.Mode mode() {
    return mode;
  }

  /** Rule ids disabled at runtime, ascending. */
  public Set<Integer> disabledRules() {
    return disabledRules;
  }

  public int requestBodyLimit() {
    return requestBodyLimit;
  }

  /**
   * A transaction in the current mode (the config or a runtime switch decides, whatever SecRuleEngine the
   * files say), with the runtime-disabled rules removed. Not called in {@code off} mode.
   */
  public Transaction begin(WafRequest request) {
    Transaction tx = compiled.engine().newTransaction(request);
    tx.setEngineMode(mode == WafConfig.Mode.ON ? EngineMode.ON : EngineMode.DETECTION_ONLY);
    for (int id : disabledIds) {
      tx.removeRules(id, id); // as ctl:ruleRemoveById: the engine skips the rule (and a chain it starts)
    }
    return tx;
  }

  /** The verdict so far: blocked only in {@code on} mode; detected when any logging rule matched. */
  public Outcome outcome(Transaction tx) {
    if (mode == WafConfig.Mode.ON) {
      Interruption i = tx.interruption();
      if ((i != null && !"allow".equals(i.action())) || tx.evaluationBudgetExhausted()) {
        return Outcome.BLOCKED;
      }
    }
    return tx.loggedRuleIds().isEmpty() && !tx.evaluationBudgetExhausted() ? Outcome.PASS : Outcome.DETECTED;
  }

  /**
   * The security event of a detection or block: rule ids, tags, anomaly score and the NAMES of the matched
   * variables, never their values, messages or logdata (they may hold PHI).
   */
  public JsonObject event(Transaction tx, Outcome outcome) {
    Set<String> tags = new LinkedHashSet<>();
    Set<String> variables = new LinkedHashSet<>();
    JsonArray ids = new JsonArray();
    boolean wouldBlock = false;
    for (MatchedRule m : tx.matchedRules()) {
      if (!m.logged() || m.id() == 0) {
        continue;
      }
      ids.add(m.id());
      tags.addAll(m.tags());
      variables.addAll(m.matchedVars());
      wouldBlock |= compiled.denying(m.id());
    }
    return new JsonObject()
        .put("type", "waf")
        .put("outcome", outcome.label())
        .put("mode", modeName(mode))
        .put("wouldBlock", wouldBlock || tx.evaluationBudgetExhausted())
        .put("ruleIds", ids)
        .put("tags", new JsonArray(List.copyOf(tags)))
        .put("anomalyScore", tx.inboundAnomalyScore())
        .put("matchedVariables", new JsonArray(List.copyOf(variables)))
        .put("budgetExhausted", tx.evaluationBudgetExhausted());
  }

  /** The configuration spelling of a mode: off, detection-only, on. */
  public static String modeName(WafConfig.Mode mode) {
    return mode.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  /** The mode for its configuration spelling, or null. */
  public static WafConfig.Mode parseMode(String name) {
    for (WafConfig.Mode m : WafConfig.Mode.values()) {
      if (modeName(m).equals(name)) {
        return m;
      }
    }
    return null;
  }
}
