package io.bastion.security.waf.bodyprocessors;

import io.bastion.security.waf.variables.KeyedValues;
import io.bastion.security.waf.variables.Variable;

/** Where a body processor puts what it finds. */
public interface BodyContext {

  /** Adds a body argument: to ARGS_POST and ARGS. */
  void addPostArg(String name, String value);

  /** A (writable) collection such as FILES, FILES_NAMES, FILES_SIZES, MULTIPART_PART_HEADERS or XML. */
  KeyedValues collection(Variable variable);

  void setScalar(Variable variable, String value);
}
