package io.bastion.security.waf.operators;

import java.nio.file.Path;
import java.util.function.Consumer;

/** Builds an operator from its argument; throws IllegalArgumentException naming what is wrong. */
@FunctionalInterface
public interface OperatorFactory {

  /**
   * @param argument the text after the operator name
   * @param env      where data files are resolved from and where warnings go
   */
  Operator create(String argument, Environment env);

  /**
   * Compile-time context: the directory of the rule file (data files are relative to it), where warnings
   * go, and the rule set's literal index (null when operators are built on their own, e.g. in tests).
   */
  record Environment(Path ruleFileDir, Consumer<String> warnings, LiteralIndex literals) {

    public Environment(Path ruleFileDir, Consumer<String> warnings) {
      this(ruleFileDir, warnings, null);
    }
  }
}
