package io.bastion.security.waf.actions;

import io.bastion.security.waf.EngineMode;
import io.bastion.security.waf.variables.Target;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * {@code ctl:option=value}: changes the configuration of the running transaction only. Supported:
 * ruleRemoveById (ids and ranges), ruleRemoveByTag, ruleRemoveTargetById ({@code id;TARGET}),
 * ruleRemoveTargetByTag ({@code tag;TARGET}), ruleEngine, requestBodyProcessor, requestBodyAccess,
 * forceRequestBodyVariable; auditEngine and auditLogParts are accepted and ignored until the audit log
 * exists. Example: {@code ctl:ruleRemoveTargetById=942100;ARGS:password}.
 */
public final class Ctl implements RuleAction {

  private final Consumer<ActionContext> effect;

  public Ctl(String spec, Consumer<String> warnings) {
    int eq = spec.indexOf('=');
    if (eq < 0) {
      throw new IllegalArgumentException("ctl needs option=value: " + spec);
    }
    String option = spec.substring(0, eq).trim();
    String value = spec.substring(eq + 1).trim();
    this.effect = switch (option.toLowerCase(Locale.ROOT)) {
      case "ruleremovebyid" -> {
        int[] range = parseRange(value);
        yield ctx -> ctx.removeRules(range[0], range[1]);
      }
      case "ruleremovebytag" -> ctx -> ctx.removeRulesByTag(value);
      case "ruleremovetargetbyid" -> {
        int semi = value.indexOf(';');
        if (semi < 0) {
          throw new IllegalArgumentException("ruleRemoveTargetById needs id;TARGET: " + value);
        }
        int[] range = parseRange(value.substring(0, semi));
        Target t = Target.parse(value.substring(semi + 1));
        yield ctx -> ctx.removeTargetById(range[0], range[1], t);
      }
      case "ruleremovetargetbytag" -> {
        int semi = value.indexOf(';');
        if (semi < 0) {
          throw new IllegalArgumentException("ruleRemoveTargetByTag needs tag;TARGET: " + value);
        }
        String tag = value.substring(0, semi);
        Target t = Target.parse(value.substring(semi + 1));
        yield ctx -> ctx.removeTargetByTag(tag, t);
      }
      case "ruleengine" -> {
        EngineMode mode = EngineMode.parse(value);
        if (mode == null) {
          throw new IllegalArgumentException("unknown rule engine mode " + value);
        }
        yield ctx -> ctx.setEngineMode(mode);
      }
      case "requestbodyprocessor" -> {
        String p = value.toUpperCase(Locale.ROOT);
        yield ctx -> ctx.setRequestBodyProcessor(p);
      }
      case "requestbodyaccess" -> {
        boolean on = value.equalsIgnoreCase("on");
        yield ctx -> ctx.setRequestBodyAccess(on);
      }
      case "forcerequestbodyvariable" -> {
        boolean on = value.equalsIgnoreCase("on");
        yield ctx -> ctx.setForceRequestBodyVariable(on);
      }
      case "auditengine", "auditlogparts", "debugloglevel", "hashengine", "hashenforcement" -> ctx -> { };
      default -> {
        warnings.accept("ctl option " + option + " not supported, ignored");
        yield ctx -> { };
      }
    };
  }

  /** {@code 100} or {@code 100-200}. */
  static int[] parseRange(String s) {
    String t = s.trim();
    int dash = t.indexOf('-', 1);
    try {
      if (dash > 0) {
        return new int[] {Integer.parseInt(t.substring(0, dash).trim()), Integer.parseInt(t.substring(dash + 1).trim())};
      }
      int id = Integer.parseInt(t);
      return new int[] {id, id};
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a rule id or range: " + s);
    }
  }

  @Override
  public void execute(ActionContext ctx) {
    effect.accept(ctx);
  }
}
