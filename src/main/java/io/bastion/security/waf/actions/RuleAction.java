package io.bastion.security.waf.actions;

/**
 * A non-disruptive action that runs when its rule matches ({@code setvar}, {@code ctl}, ...), once per
 * matched value as in ModSecurity. Built once per rule; no per-request state.
 */
@FunctionalInterface
public interface RuleAction {

  void execute(ActionContext ctx);
}
