package io.bastion.security.waf.variables;

/**
 * What variables read from: implemented by the transaction. Collections come back as {@link KeyedValues};
 * scalars as strings (null when the request has no such value).
 */
public interface VariableSource {

  /** The collection behind a collection variable, or null when it does not exist in this transaction. */
  KeyedValues collection(Variable variable);

  /** The value of a scalar variable, or null when absent. */
  String scalar(Variable variable);
}
