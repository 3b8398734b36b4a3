package io.bastion.config;

/** One thing wrong with the configuration: where, what was found, what is allowed. */
public record ConfigProblem(String path, String value, String allowed) {

  @Override
  public String toString() {
    return path + ": " + (value == null ? "missing" : "'" + value + "'") + " - " + allowed;
  }
}
