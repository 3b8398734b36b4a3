package io.bastion.security.waf.variables;

import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * A target's member-key pattern ({@code ARGS:/^json\./}, {@code !ARGS:/(?:^|\.)text\.div$/}), matched
 * case-insensitively against lower-cased keys. Selectors are tested for every member of a collection by
 * every rule that names them, so the usual shapes — a literal anchored at the start, at the end, at both,
 * after a dot, or not at all — are answered with string comparisons that give exactly the regex's result;
 * any other pattern runs as a regex, and its answers are kept by key (see {@link #regexFind}).
 */
final class KeyPattern {

  private enum Shape { REGEX, CONTAINS, PREFIX, SUFFIX, EXACT, DOTTED_SUFFIX }

  /** At most this many keys' answers kept per pattern, keys of at most {@link #MAX_KEPT_KEY} characters. */
  static final int MAX_KEPT = 1024;
  static final int MAX_KEPT_KEY = 128;

  private final Pattern pattern;
  private final Shape shape;
  private final String literal;
  /** A REGEX shape's answers by lower-cased key, shared by every thread running the rule set; null for the others. */
  private final ConcurrentHashMap<String, Boolean> found;

  private KeyPattern(Pattern pattern, Shape shape, String literal) {
    this.pattern = pattern;
    this.shape = shape;
    this.literal = literal;
    this.found = shape == Shape.REGEX ? new ConcurrentHashMap<>() : null;
  }

  static KeyPattern compile(String regex) {
    Pattern pattern = Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
    String body = regex;
    boolean dotted = body.startsWith("(?:^|\\.)");
    boolean start = !dotted && body.startsWith("^");
    body = body.substring(dotted ? 8 : start ? 1 : 0);
    boolean end = body.endsWith("$") && !body.endsWith("\\$");
    body = end ? body.substring(0, body.length() - 1) : dropTrailingRuns(body);
    String literal = literal(body);
    if (literal == null || literal.isEmpty() || (dotted && !end)) {
      return new KeyPattern(pattern, Shape.REGEX, null);
    }
    Shape shape = dotted ? Shape.DOTTED_SUFFIX : start && end ? Shape.EXACT : start ? Shape.PREFIX
        : end ? Shape.SUFFIX : Shape.CONTAINS;
    return new KeyPattern(pattern, shape, literal);
  }

  /**
   * Without a final {@code $}, a trailing {@code c*}, {@code \.*} or {@code .*} can match nothing, so the
   * pattern is found exactly where the part before it is ({@code TX:/MULTIPART_HEADERS_CONTENT_TYPES_* /}
   * is tested against every TX variable by a CRS rule). Anything less plain is left as it is.
   */
  private static String dropTrailingRuns(String body) {
    String b = body;
    while (b.length() >= 2 && b.charAt(b.length() - 1) == '*') {
      String atom = b.substring(0, b.length() - 1);
      char c = atom.charAt(atom.length() - 1);
      boolean escaped = atom.length() >= 2 && atom.charAt(atom.length() - 2) == '\\';
      if (c == '.' && escaped) {
        if (atom.length() >= 3 && atom.charAt(atom.length() - 3) == '\\') {
          return b; // "\\.*": an escaped backslash, then ".*"
        }
        b = atom.substring(0, atom.length() - 2);
      } else if (!escaped && (c == '.' || (c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '-')))) {
        b = atom.substring(0, atom.length() - 1);
      } else {
        return b;
      }
    }
    return b;
  }

  /** The lower-cased literal a pattern body spells (letters, digits, '_', '-', escaped '.'), else null. */
  private static String literal(String body) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c == '\\' && i + 1 < body.length() && body.charAt(i + 1) == '.') {
        sb.append('.');
        i++;
      } else if (c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '-')) {
        sb.append(Character.toLowerCase(c));
      } else {
        return null;
      }
    }
    return sb.toString();
  }

  /** Whether the pattern is found in the (lower-cased) key, as {@code Matcher.find()} would say. */
  boolean find(String lowerKey) {
    return switch (shape) {
      case REGEX -> regexFind(lowerKey);
      case CONTAINS -> lowerKey.contains(literal);
      case PREFIX -> lowerKey.startsWith(literal);
      case SUFFIX -> endsAt(lowerKey, lowerKey.length()) || endsAt(lowerKey, beforeFinalLineTerminator(lowerKey));
      case EXACT -> lowerKey.length() == literal.length() ? lowerKey.equals(literal)
          : beforeFinalLineTerminator(lowerKey) == literal.length() && lowerKey.startsWith(literal);
      case DOTTED_SUFFIX -> dottedAt(lowerKey, lowerKey.length()) || dottedAt(lowerKey, beforeFinalLineTerminator(lowerKey));
    };
  }

  /**
   * The regex's answer, kept for the keys it saw: the same keys come in every request (a FHIR resource's JSON
   * element paths, {@code name.0.given.0}), while a runtime exclusion such as the CRS FHIR exclusions'
   * {@code ARGS:/^(?!.*\.name\.\d+\.text$).*(?:^|\.)(?:text|display|...)$/} is tested against every body member
   * for each selection of the rules it applies to: in a create, a tenth of the engine's time. The answer depends on
   * the key alone. Bounded: once {@link #MAX_KEPT} keys are kept, new keys are only matched (a client sending
   * ever new names gets the regex, not more memory). Keys are argument and header names, never values.
   */
  private boolean regexFind(String lowerKey) {
    Boolean known = found.get(lowerKey);
    if (known != null) {
      return known;
    }
    boolean result = pattern.matcher(lowerKey).find();
    if (lowerKey.length() <= MAX_KEPT_KEY && found.size() < MAX_KEPT) {
      found.put(lowerKey, result);
    }
    return result;
  }

  /** Whether the literal ends at {@code end}. */
  private boolean endsAt(String key, int end) {
    return end >= literal.length() && key.startsWith(literal, end - literal.length());
  }

  /** Whether the literal ends at {@code end} and starts the key or follows a dot. */
  private boolean dottedAt(String key, int end) {
    int from = end - literal.length();
    return endsAt(key, end) && (from == 0 || key.charAt(from - 1) == '.');
  }

  /**
   * Where {@code $} may also match: before one final line terminator (Java's {@code $} without MULTILINE
   * accepts "\n", "\r\n", "\r", U+0085, U+2028 and U+2029 there); -1 when the key does not end with one.
   */
  private static int beforeFinalLineTerminator(String key) {
    int n = key.length();
    if (n == 0) {
      return -1;
    }
    char last = key.charAt(n - 1);
    if (last == '\n') {
      return n >= 2 && key.charAt(n - 2) == '\r' ? n - 2 : n - 1;
    }
    return last == '\r' || last == '\u0085' || last == '\u2028' || last == '\u2029' ? n - 1 : -1;
  }

  String pattern() {
    return pattern.pattern();
  }
}
