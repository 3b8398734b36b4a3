package io.bastion.security.waf.parser;

import java.nio.file.Path;
import java.util.List;

/**
 * One logical line of a SecLang file: continuations joined, quoting removed.
 *
 * @param file the file it came from
 * @param line the line where the directive starts (1-based)
 * @param name the directive name, e.g. {@code SecRule}
 * @param args its arguments, unquoted
 */
public record Directive(Path file, int line, String name, List<String> args) {

  /** {@code file:line}, used in every error and warning. */
  public String location() {
    return file.getFileName() + ":" + line;
  }
}
