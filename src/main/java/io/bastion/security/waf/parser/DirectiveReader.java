package io.bastion.security.waf.parser;

import java.util.ArrayList;
import java.util.List;
import java.nio.file.Path;

/**
 * Splits SecLang text into directives the way Apache's config reader does, which is how the CRS files are
 * written: a backslash at the end of a line joins the next line (the backslash and line break removed,
 * nothing inserted); lines starting with {@code #} are comments; arguments are separated by whitespace
 * and may be quoted with {@code "} or {@code '}; inside quotes a backslash before the quote character
 * yields the quote, and every other backslash is kept as written (so regexes reach the engine intact).
 */
public final class DirectiveReader {

  private DirectiveReader() {
  }

  /**
   * Reads all directives of a file's text.
   *
   * @param problems receives {@code file:line: message} for unterminated quotes
   */
  public static List<Directive> read(Path file, String text, List<String> problems) {
    List<Directive> out = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    StringBuilder logical = new StringBuilder();
    int start = -1;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (logical.length() == 0) {
        String t = line.trim();
        if (t.isEmpty() || t.startsWith("#")) {
          continue;
        }
        start = i + 1;
      }
      String stripped = stripTrailing(line);
      if (stripped.endsWith("\\")) {
        logical.append(stripped, 0, stripped.length() - 1);
        if (i + 1 < lines.length) {
          continue;
        }
      } else {
        logical.append(line);
      }
      Directive d = tokenize(file, start, logical.toString(), problems);
      if (d != null) {
        out.add(d);
      }
      logical.setLength(0);
    }
    return out;
  }

  private static String stripTrailing(String s) {
    int end = s.length();
    while (end > 0 && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
      end--;
    }
    return s.substring(0, end);
  }

  static Directive tokenize(Path file, int line, String text, List<String> problems) {
    List<String> tokens = new ArrayList<>();
    int n = text.length();
    int i = 0;
    while (i < n) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
        continue;
      }
      StringBuilder tok = new StringBuilder();
      if (c == '"' || c == '\'') {
        char quote = c;
        i++;
        boolean closed = false;
        while (i < n) {
          char d = text.charAt(i);
          if (d == '\\' && i + 1 < n && text.charAt(i + 1) == quote) {
            tok.append(quote);
            i += 2;
          } else if (d == quote) {
            closed = true;
            i++;
            break;
          } else {
            tok.append(d);
            i++;
          }
        }
        if (!closed) {
          problems.add(file.getFileName() + ":" + line + ": unterminated quoted argument");
          return null;
        }
      } else {
        while (i < n && !Character.isWhitespace(text.charAt(i))) {
          tok.append(text.charAt(i));
          i++;
        }
      }
      tokens.add(tok.toString());
    }
    if (tokens.isEmpty()) {
      return null;
    }
    return new Directive(file, line, tokens.get(0), List.copyOf(tokens.subList(1, tokens.size())));
  }
}
