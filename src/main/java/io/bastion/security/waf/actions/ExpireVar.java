package io.bastion.security.waf.actions;

import io.bastion.security.waf.operators.NumericCompare;
import io.bastion.security.waf.variables.Macro;
import java.util.Locale;

/**
 * {@code expirevar:ip.blocked=300}: the variable of a persistent collection disappears that many seconds
 * after the transaction ends. Name and seconds may hold macros.
 * Example: {@code setvar:ip.blocked=1,expirevar:ip.blocked=300}.
 */
public final class ExpireVar implements RuleAction {

  private final String collection;
  private final Macro name;
  private final Macro seconds;

  public ExpireVar(String spec) {
    int dot = spec.indexOf('.');
    int eq = spec.indexOf('=');
    if (dot <= 0 || eq < dot + 2 || eq == spec.length() - 1) {
      throw new IllegalArgumentException("expirevar needs collection.name=seconds: " + spec);
    }
    this.collection = spec.substring(0, dot).trim().toLowerCase(Locale.ROOT);
    this.name = Macro.parse(spec.substring(dot + 1, eq).trim());
    this.seconds = Macro.parse(spec.substring(eq + 1).trim());
  }

  @Override
  public void execute(ActionContext ctx) {
    long s = NumericCompare.parse(seconds.expand(ctx));
    if (s >= 0) {
      ctx.expireVariable(collection, name.expand(ctx), s);
    }
  }
}
