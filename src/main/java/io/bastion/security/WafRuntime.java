package io.bastion.security;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The WAF every gateway instance consults, shared by reference: each request reads {@link #current()}
 * once and uses that immutable snapshot throughout, so a reload, a mode switch or a disabled rule takes
 * effect for the next request without a lock and without an event-bus hop. Changes come from the control
 * plane ({@link SecurityVerticle}) and compose atomically: a reload keeps the mode and disabled rules set
 * while it compiled.
 */
public final class WafRuntime {

  private final AtomicReference<InlineWaf> current;

  public WafRuntime(InlineWaf initial) {
    this.current = new AtomicReference<>(initial);
  }

  public InlineWaf current() {
    return current.get();
  }

  public InlineWaf switchMode(WafConfig.Mode mode) {
    return current.updateAndGet(waf -> waf.withMode(mode));
  }

  public InlineWaf disableRule(int id, boolean disabled) {
    return current.updateAndGet(waf -> waf.withRuleDisabled(id, disabled));
  }

  public InlineWaf replaceRules(CompiledRules rules) {
    return current.updateAndGet(waf -> waf.withRules(rules));
  }
}
