package io.bastion.security.waf;

import java.util.List;

/** A rule set that could not be compiled; every problem is listed as {@code file:line: message}. */
public final class WafConfigException extends Exception {

  private final List<String> problems;

  public WafConfigException(List<String> problems) {
    super(problems.size() == 1 ? problems.get(0) : problems.size() + " problems: " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
