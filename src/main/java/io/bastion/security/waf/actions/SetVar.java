package io.bastion.security.waf.actions;

import io.bastion.security.waf.variables.KeyedValues;
import io.bastion.security.waf.variables.Macro;

/**
 * {@code setvar:col.name=value} (set), {@code =+n} / {@code =-n} (add, subtract), {@code !col.name}
 * (delete) and {@code col.name} (set to 1). Name and value may hold macros.
 * Example: {@code setvar:'tx.inbound_anomaly_score_pl1=+%{tx.critical_anomaly_score}'}.
 */
public final class SetVar implements RuleAction {

  private enum Op { SET, ADD, SUB, DELETE }

  private final String collection;
  private final Macro name;
  private final Macro value;
  private final Op op;

  public SetVar(String spec) {
    String s = spec.trim();
    Op o = Op.SET;
    if (s.startsWith("!")) {
      o = Op.DELETE;
      s = s.substring(1);
    }
    int dot = s.indexOf('.');
    if (dot <= 0) {
      throw new IllegalArgumentException("setvar needs collection.name: " + spec);
    }
    this.collection = s.substring(0, dot).trim().toLowerCase(java.util.Locale.ROOT);
    String rest = s.substring(dot + 1);
    int eq = rest.indexOf('=');
    String v = "1";
    if (eq >= 0) {
      v = rest.substring(eq + 1);
      rest = rest.substring(0, eq);
      if (v.startsWith("+")) {
        o = Op.ADD;
        v = v.substring(1);
      } else if (v.startsWith("-")) {
        o = Op.SUB;
        v = v.substring(1);
      }
    }
    this.name = Macro.parse(rest.trim());
    this.value = Macro.parse(v);
    this.op = o;
  }

  /** The collection written, lower-cased ({@code tx}). */
  public String collection() {
    return collection;
  }

  /** The variable's name, possibly with macros. */
  public Macro name() {
    return name;
  }

  /** The value, possibly with macros. */
  public Macro value() {
    return value;
  }

  /** Whether the result depends on the variable's value before (add, subtract) or on whether it exists (delete). */
  public boolean readsTarget() {
    return op != Op.SET;
  }

  @Override
  public void execute(ActionContext ctx) {
    KeyedValues col = ctx.writableCollection(collection);
    if (col == null) {
      return;
    }
    String key = name.expand(ctx);
    switch (op) {
      case DELETE -> col.remove(key);
      case SET -> col.set(key, value.expand(ctx));
      case ADD, SUB -> {
        long current = parse(col.get(key));
        long delta = parse(value.expand(ctx));
        col.set(key, Long.toString(op == Op.ADD ? current + delta : current - delta));
      }
    }
  }

  private static long parse(String s) {
    return io.bastion.security.waf.operators.NumericCompare.parse(s);
  }
}
