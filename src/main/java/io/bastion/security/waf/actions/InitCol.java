package io.bastion.security.waf.actions;

import io.bastion.security.waf.variables.Macro;
import java.util.Locale;

/**
 * {@code initcol:ip=%{REMOTE_ADDR}}: binds a persistent collection (ip or global) to a record key, loading
 * what earlier transactions stored there; later {@code setvar:ip.*} changes are written back when the
 * transaction ends. Example: {@code SecAction "id:900,phase:1,pass,nolog,initcol:ip=%{REMOTE_ADDR}"}.
 */
public final class InitCol implements RuleAction {

  private final String collection;
  private final Macro key;

  public InitCol(String spec) {
    int eq = spec.indexOf('=');
    if (eq <= 0 || eq == spec.length() - 1) {
      throw new IllegalArgumentException("initcol needs collection=key: " + spec);
    }
    this.collection = spec.substring(0, eq).trim().toLowerCase(Locale.ROOT);
    this.key = Macro.parse(spec.substring(eq + 1).trim());
  }

  /** The collection name, lower case. */
  public String collection() {
    return collection;
  }

  @Override
  public void execute(ActionContext ctx) {
    ctx.initCollection(collection, key.expand(ctx));
  }
}
