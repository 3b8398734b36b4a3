package io.bastion.security.waf.actions;

import io.bastion.security.waf.EngineMode;
import io.bastion.security.waf.variables.KeyedValues;
import io.bastion.security.waf.variables.Target;
import io.bastion.security.waf.variables.VariableSource;

/** What non-disruptive actions may change in the running transaction. */
public interface ActionContext extends VariableSource {

  /** A persistent-style collection by name (tx, ip, global, session, user), created on first use. */
  KeyedValues writableCollection(String name);

  void removeRules(int fromId, int toId);

  void removeRulesByTag(String tag);

  void removeTargetById(int fromId, int toId, Target target);

  void removeTargetByTag(String tag, Target target);

  void setEngineMode(EngineMode mode);

  void setRequestBodyProcessor(String processor);

  void setRequestBodyAccess(boolean on);

  void setForceRequestBodyVariable(boolean on);

  /** {@code initcol}: binds a persistent collection (ip, global) to a record key; no-op without a store. */
  default void initCollection(String collection, String key) {
  }

  /** {@code expirevar}: the persistent variable expires that many seconds after the transaction ends. */
  default void expireVariable(String collection, String name, long seconds) {
  }
}
