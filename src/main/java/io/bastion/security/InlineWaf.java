package io.bastion.security;

import io.bastion.security.waf.EngineMode;
import io.bastion.security.waf.Interruption;
import io.bastion.security.waf.MatchedRule;
import io.bastion.security.waf.Rule;
import io.bastion.security.waf.RuleSet;
import io.bastion.security.waf.Transaction;
import io.bastion.security.waf.WafConfigException;
import io.bastion.security.waf.WafEngine;
import io.bastion.security.waf.WafRequest;
import io.bastion.security.waf.parser.SecLangParser;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The WAF as the gateway runs it: the compiled engine (immutable, shared by every gateway instance), the
 * configured mode, and the verdict policy (a {@code deny}, or an exhausted evaluation budget, blocks in
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

  private final WafEngine engine;
  private final WafConfig.Mode mode;
  private final int requestBodyLimit;
  private final Set<Integer> denyingRules;

  InlineWaf(WafEngine engine, WafConfig.Mode mode, int requestBodyLimit) {
    this.engine = engine;
    this.mode = mode;
    this.requestBodyLimit = requestBodyLimit;
    Set<Integer> deny = new HashSet<>();
    for (int phase = 1; phase <= 5; phase++) {
      for (Rule r : engine.rules().phase(phase)) {
        if (r.disruptive() == Rule.Disruptive.DENY || r.disruptive() == Rule.Disruptive.DROP) {
          deny.add(r.id());
        }
      }
    }
    this.denyingRules = Set.copyOf(deny);
  }

  /**
   * Compiles the configured rules (blocking file I/O and regex compilation: call off the event loop).
   * Returns null when the WAF is off.
   *
   * @throws WafConfigException listing every problem as {@code file:line: message}
   */
  public static InlineWaf load(WafConfig config) throws WafConfigException {
    if (!config.enabled()) {
      return null;
    }
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
    return new InlineWaf(new WafEngine(rules), config.mode(), config.requestBodyLimit());
  }

  public RuleSet rules() {
    return engine.rules();
  }

  public WafConfig.Mode mode() {
    return mode;
  }

  public int requestBodyLimit() {
    return requestBodyLimit;
  }

  /** A transaction in the configured mode (the config decides, whatever SecRuleEngine the files say). */
  public Transaction begin(WafRequest request) {
    Transaction tx = engine.newTransaction(request);
    tx.setEngineMode(mode == WafConfig.Mode.ON ? EngineMode.ON : EngineMode.DETECTION_ONLY);
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
      wouldBlock |= denyingRules.contains(m.id());
    }
    return new JsonObject()
        .put("type", "waf")
        .put("outcome", outcome.label())
        .put("mode", mode == WafConfig.Mode.ON ? "on" : "detection-only")
        .put("wouldBlock", wouldBlock || tx.evaluationBudgetExhausted())
        .put("ruleIds", ids)
        .put("tags", new JsonArray(List.copyOf(tags)))
        .put("anomalyScore", tx.inboundAnomalyScore())
        .put("matchedVariables", new JsonArray(List.copyOf(variables)))
        .put("budgetExhausted", tx.evaluationBudgetExhausted());
  }
}
