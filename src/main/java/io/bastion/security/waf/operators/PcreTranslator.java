package io.bastion.security.waf.operators;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * The one place where PCRE syntax (what the CRS is written for) becomes {@code java.util.regex} syntax.
 * Differences handled:
 * <ul>
 *   <li>inside a character class PCRE takes {@code [} and {@code &} literally, Java reads {@code [}
 *       as a nested class and {@code &&} as intersection: both are escaped;</li>
 *   <li>a {@code ]} right after {@code [} or {@code [^} is literal in PCRE: escaped;</li>
 *   <li>POSIX classes ({@code [:alpha:]}) become {@code \p{Alpha}} and friends;</li>
 *   <li>a {@code {} that does not start a quantifier is literal in PCRE, an error in Java: escaped;</li>
 *   <li>{@code (?P<name>}, {@code (?P=name)} become {@code (?<name>}, {@code \k<name>};</li>
 *   <li>branch reset {@code (?|} becomes a plain {@code (?:} (only capture numbering differs; no CRS rule
 *       that uses it also captures);</li>
 *   <li>ModSecurity compiles with {@code PCRE_DOTALL}: patterns get {@link Pattern#DOTALL}.</li>
 * </ul>
 * Atomic groups, possessive quantifiers, {@code \z}, {@code \Z}, {@code \x{..}} and inline flags have the
 * same meaning in both and pass through. Input is a byte string (one char per byte), so {@code \xHH}
 * matches bytes exactly as PCRE does without UTF mode.
 */
public final class PcreTranslator {

  private static final Map<String, String> POSIX = Map.ofEntries(
      Map.entry("alpha", "\\p{Alpha}"), Map.entry("digit", "\\p{Digit}"), Map.entry("alnum", "\\p{Alnum}"),
      Map.entry("upper", "\\p{Upper}"), Map.entry("lower", "\\p{Lower}"), Map.entry("space", "\\s"),
      Map.entry("punct", "\\p{Punct}"), Map.entry("xdigit", "\\p{XDigit}"), Map.entry("word", "\\w"),
      Map.entry("cntrl", "\\p{Cntrl}"), Map.entry("print", "\\p{Print}"), Map.entry("graph", "\\p{Graph}"),
      Map.entry("blank", " \\t"));

  private PcreTranslator() {
  }

  /** Compiles a PCRE pattern; throws IllegalArgumentException with Java's message when it cannot. */
  public static Pattern compile(String pcre) {
    return Pattern.compile(translate(pcre), Pattern.DOTALL);
  }

  public static String translate(String p) {
    StringBuilder out = new StringBuilder(p.length() + 16);
    int n = p.length();
    boolean inClass = false;
    int classStart = -1;
    for (int i = 0; i < n; i++) {
      char c = p.charAt(i);
      if (c == '\\' && i + 1 < n) {
        char e = p.charAt(i + 1);
        int close = p.indexOf('}', i + 2);
        if ("xpPNk".indexOf(e) >= 0 && i + 2 < n && p.charAt(i + 2) == '{' && close > 0) {
          out.append(p, i, close + 1);
          i = close;
          continue;
        }
        out.append(c).append(e);
        i++;
        continue;
      }
      if (inClass) {
        if (c == ']' && i > classStart) {
          inClass = false;
          out.append(c);
        } else if (c == ']') {
          out.append("\\]");
        } else if (c == '[') {
          int end = p.indexOf(":]", i + 2);
          if (i + 1 < n && p.charAt(i + 1) == ':' && end > 0) {
            String name = p.substring(i + 2, end);
            boolean neg = name.startsWith("^");
            String cls = POSIX.get(neg ? name.substring(1) : name);
            if (cls != null && !neg) {
              out.append(cls);
              i = end + 1;
              continue;
            }
          }
          out.append("\\[");
        } else if (c == '&') {
          out.append("\\&");
        } else {
          out.append(c);
        }
        continue;
      }
      if (c == '[') {
        inClass = true;
        out.append(c);
        classStart = i + 1;
        if (i + 1 < n && p.charAt(i + 1) == '^') {
          out.append('^');
          i++;
          classStart = i + 1;
        }
        continue;
      }
      if (c == '(' && p.startsWith("(?P<", i)) {
        out.append("(?<");
        i += 3;
        continue;
      }
      if (c == '(' && p.startsWith("(?P=", i)) {
        int end = p.indexOf(')', i);
        out.append("\\k<").append(p, i + 4, end).append('>');
        i = end;
        continue;
      }
      if (c == '(' && p.startsWith("(?|", i)) {
        out.append("(?:");
        i += 2;
        continue;
      }
      if (c == '{' && !isQuantifier(p, i)) {
        out.append("\\{");
        continue;
      }
      if (c == '}' && !closesQuantifier(p, i)) {
        out.append("\\}");
        continue;
      }
      out.append(c);
    }
    return out.toString();
  }

  private static boolean isQuantifier(String p, int i) {
    int j = i + 1;
    int digits = 0;
    while (j < p.length() && Character.isDigit(p.charAt(j))) {
      j++;
      digits++;
    }
    if (digits == 0) {
      return false;
    }
    if (j < p.length() && p.charAt(j) == ',') {
      j++;
      while (j < p.length() && Character.isDigit(p.charAt(j))) {
        j++;
      }
    }
    return j < p.length() && p.charAt(j) == '}' && i > 0;
  }

  private static boolean closesQuantifier(String p, int i) {
    int j = i - 1;
    while (j >= 0 && (Character.isDigit(p.charAt(j)) || p.charAt(j) == ',')) {
      j--;
    }
    return j >= 0 && j < i - 1 && p.charAt(j) == '{' && isQuantifier(p, j);
  }
}
