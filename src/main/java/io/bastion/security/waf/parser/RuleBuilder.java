package io.bastion.security.waf.parser;

import io.bastion.security.waf.Rule;
import io.bastion.security.waf.actions.ActionSpec;
import io.bastion.security.waf.actions.Ctl;
import io.bastion.security.waf.actions.ExpireVar;
import io.bastion.security.waf.actions.InitCol;
import io.bastion.security.waf.actions.SetVar;
import io.bastion.security.waf.collections.PersistentCollections;
import io.bastion.security.waf.operators.Constant;
import io.bastion.security.waf.operators.OperatorFactory;
import io.bastion.security.waf.operators.Operators;
import io.bastion.security.waf.transformations.Transformation;
import io.bastion.security.waf.transformations.Transformations;
import io.bastion.security.waf.variables.Macro;
import io.bastion.security.waf.variables.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns a rule's parsed parts (targets, operator text, actions) into a {@link Rule.Builder}: compiles the
 * operator, resolves transformations, and sorts actions into metadata, disruptive, flow and
 * non-disruptive (runtime) actions. Unknown actions are errors; known actions Bastion does not apply are
 * warnings.
 */
final class RuleBuilder {

  private final Operators operators;
  private final Transformations transformations;

  RuleBuilder(Operators operators, Transformations transformations) {
    this.operators = operators;
    this.transformations = transformations;
  }

  Rule.Builder build(List<Target> targets, String operator, List<ActionSpec> actions,
      OperatorFactory.Environment env) {
    Rule.Builder b = new Rule.Builder();
    if (targets == null) {
      b.unconditional = true;
      b.operator = Constant.ALWAYS;
      b.operatorName = "unconditionalMatch";
    } else {
      b.targets.addAll(targets);
      compileOperator(b, operator, env);
    }
    applyActions(b, actions, env, false);
    return b;
  }

  private void compileOperator(Rule.Builder b, String text, OperatorFactory.Environment env) {
    String s = text.trim();
    if (s.startsWith("!")) {
      b.negated = true;
      s = s.substring(1).trim();
    }
    String name = "rx";
    String arg = s;
    if (s.startsWith("@")) {
      int sp = 1;
      while (sp < s.length() && !Character.isWhitespace(s.charAt(sp))) {
        sp++;
      }
      name = s.substring(1, sp);
      arg = sp < s.length() ? s.substring(sp + 1) : "";
    }
    OperatorFactory f = operators.get(name);
    if (f == null) {
      throw new IllegalArgumentException("unknown operator @" + name);
    }
    b.operatorName = name;
    b.operator = f.create(arg, env);
  }

  void applyActions(Rule.Builder b, List<ActionSpec> actions, OperatorFactory.Environment env, boolean update) {
    for (ActionSpec a : actions) {
      String v = a.value();
      switch (a.name().toLowerCase(Locale.ROOT)) {
        case "id" -> b.id = Integer.parseInt(need(a));
        case "phase" -> {
          b.phaseSet = true;
          b.phase = switch (need(a).toLowerCase(Locale.ROOT)) {
            case "request" -> 2;
            case "response" -> 4;
            case "logging" -> 5;
            default -> Integer.parseInt(v);
          };
        }
        case "msg" -> {
          b.msg = Macro.parse(need(a));
          b.rawMsg = v;
        }
        case "logdata" -> b.logData = Macro.parse(need(a));
        case "tag" -> b.tags.add(need(a));
        case "severity" -> b.severity = severity(need(a));
        case "ver", "rev", "maturity", "accuracy", "auditlog", "noauditlog", "sanitisearg", "sanitisematched",
            "sanitiserequestheader", "sanitiseresponseheader", "sanitisematchedbytes", "status_line" -> { }
        case "status" -> b.status = Integer.parseInt(need(a));
        case "log" -> b.log = true;
        case "nolog" -> b.log = false;
        case "capture" -> b.capture = true;
        case "multimatch" -> b.multiMatch = true;
        case "chain" -> b.chain = true;
        case "t" -> {
          b.transformationsSet = true;
          if (need(a).equalsIgnoreCase("none")) {
            b.transformations.clear();
          } else {
            Transformation t = transformations.get(v);
            if (t == null) {
              throw new IllegalArgumentException("unknown transformation t:" + v);
            }
            b.transformations.add(t);
          }
        }
        case "pass" -> b.disruptive = Rule.Disruptive.PASS;
        case "deny" -> b.disruptive = Rule.Disruptive.DENY;
        case "block" -> b.disruptive = Rule.Disruptive.BLOCK;
        case "drop" -> b.disruptive = Rule.Disruptive.DROP;
        case "allow" -> b.disruptive = v == null ? Rule.Disruptive.ALLOW
            : v.equalsIgnoreCase("phase") ? Rule.Disruptive.ALLOW_PHASE : Rule.Disruptive.ALLOW_REQUEST;
        case "redirect", "proxy", "pause", "exec", "append", "prepend" -> {
          env.warnings().accept("action " + a.name() + " is refused by Bastion and ignored");
        }
        case "skip" -> b.skip = Integer.parseInt(need(a));
        case "skipafter" -> b.skipAfter = need(a);
        case "setvar" -> b.actions.add(new SetVar(need(a)));
        case "ctl" -> b.actions.add(new Ctl(need(a), env.warnings()));
        case "initcol" -> {
          InitCol init = new InitCol(need(a));
          if (!PersistentCollections.persistent(init.collection())) {
            env.warnings().accept("initcol:" + init.collection() + " is not kept by Bastion (only ip and global)");
          }
          b.actions.add(init);
        }
        case "expirevar" -> b.actions.add(new ExpireVar(need(a)));
        case "setsid", "setuid", "deprecatevar", "setenv", "setrsc" -> { }
        default -> throw new IllegalArgumentException("unknown action " + a.name());
      }
    }
  }

  /** Applies {@code SecDefaultAction} for the rule's phase to what the rule left unset. */
  void applyDefaults(Rule.Builder b, ActionDefaults d) {
    if (d == null) {
      return;
    }
    if (b.disruptive == null) {
      b.disruptive = d.disruptive();
    } else if (b.disruptive == Rule.Disruptive.BLOCK) {
      b.disruptive = d.disruptive() == null ? Rule.Disruptive.PASS : blockAs(d.disruptive());
      if (b.status == 0) {
        b.status = d.status();
      }
    }
    if (b.log == null) {
      b.log = d.log();
    }
    if (!b.transformationsSet && !d.transformations().isEmpty()) {
      b.transformations.addAll(0, d.transformations());
    }
  }

  private static Rule.Disruptive blockAs(Rule.Disruptive def) {
    return def == Rule.Disruptive.BLOCK ? Rule.Disruptive.PASS : def;
  }

  ActionDefaults defaults(String actions, OperatorFactory.Environment env) {
    Rule.Builder b = new Rule.Builder();
    applyActions(b, ActionSpec.parseList(actions), env, false);
    if (!b.phaseSet) {
      throw new IllegalArgumentException("SecDefaultAction needs a phase");
    }
    return new ActionDefaults(b.phase, b.disruptive, b.status, b.log == null || b.log,
        new ArrayList<>(b.transformations));
  }

  private static int severity(String s) {
    return switch (s.toUpperCase(Locale.ROOT)) {
      case "EMERGENCY" -> 0;
      case "ALERT" -> 1;
      case "CRITICAL" -> 2;
      case "ERROR" -> 3;
      case "WARNING" -> 4;
      case "NOTICE" -> 5;
      case "INFO" -> 6;
      case "DEBUG" -> 7;
      default -> Integer.parseInt(s);
    };
  }

  private static String need(ActionSpec a) {
    if (a.value() == null) {
      throw new IllegalArgumentException("action " + a.name() + " needs an argument");
    }
    return a.value();
  }
}
