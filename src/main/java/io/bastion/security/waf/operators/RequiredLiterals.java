package io.bastion.security.waf.operators;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds, for a regular expression, a {@link LiteralCondition} every match satisfies — literals it must
 * contain, combined with and (the parts of a sequence) and or (the branches of an alternation), compared
 * without regard to ASCII case — so {@link Rx} can skip the backtracking matcher when a value's literals
 * do not satisfy it: one Aho-Corasick pass instead of a regex attempt at every position. Most CRS
 * patterns are big alternations of words, so this rejects nearly every benign value cheaply.
 *
 * <p>The analysis is conservative: anything it does not understand (classes it cannot enumerate, {@code .},
 * back-references, unknown escapes) counts as "matches anything" and yields no requirement, and
 * zero-width constructs (anchors, {@code \b}, look-arounds) count as the empty string. Case is always
 * folded, which can only make the filter accept more; parts nearly every value has (single letters) are
 * dropped from sequences, which also only weakens the condition. It returns null when no useful
 * requirement exists. Tests check the soundness claim against every CRS pattern over the CRS corpus
 * (RegexPrefilterSoundnessTest) and every builtin pattern over the builtin corpora
 * (BuiltinPrefilterSoundnessTest).
 */
final class RequiredLiterals {

  private static final int MAX_SET = 48;
  /** Above this many literal leaves a condition is weakened to one clause (evaluation stays cheap). */
  private static final int MAX_LEAVES = 1024;
  /** Character classes up to this size become alternations of single characters. */
  private static final int MAX_CLASS = 32;

  /**
   * What a sub-pattern can match: exactly one of {@code exact}, or (when {@code exact} is null) something
   * satisfying {@code cond}; both null means anything.
   */
  private record Info(Set<String> exact, LiteralCondition cond) {
    static final Info ANY = new Info(null, null);
    static final Info EMPTY = new Info(Set.of(""), null);

    /** The condition any match satisfies, or null when there is none. */
    LiteralCondition condition() {
      if (exact != null) {
        return exact.contains("") || exact.isEmpty() ? null : LiteralCondition.anyOf(exact);
      }
      return cond;
    }
  }

  private final String p;
  private int i;

  private RequiredLiterals(String pattern) {
    this.p = pattern;
  }

  /** The literals (lower-cased) one of which every match contains, or null. */
  static List<String> of(String javaPattern) {
    LiteralCondition c = condition(javaPattern);
    return c == null ? null : List.copyOf(c.oneClause());
  }

  /** The condition on literals every match satisfies, or null when none is known. */
  static LiteralCondition condition(String javaPattern) {
    try {
      RequiredLiterals r = new RequiredLiterals(javaPattern);
      Info info = r.alternation();
      if (r.i < r.p.length()) {
        return null;
      }
      LiteralCondition c = info.condition();
      if (c != null && c.leaves() > MAX_LEAVES) {
        return LiteralCondition.anyOf(c.oneClause());
      }
      return c;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private Info alternation() {
    List<Info> branches = new ArrayList<>();
    branches.add(sequence());
    while (i < p.length() && p.charAt(i) == '|') {
      i++;
      branches.add(sequence());
    }
    if (branches.size() == 1) {
      return branches.get(0);
    }
    Set<String> exact = new HashSet<>();
    for (Info b : branches) {
      if (exact != null && b.exact() != null && exact.size() + b.exact().size() <= MAX_SET) {
        exact.addAll(b.exact());
      } else {
        exact = null;
      }
    }
    if (exact != null) {
      return new Info(exact, null);
    }
    List<LiteralCondition> any = new ArrayList<>();
    for (Info b : branches) {
      LiteralCondition c = b.condition();
      if (c == null) {
        return Info.ANY;
      }
      any.add(c);
    }
    return new Info(null, LiteralCondition.any(any));
  }

  private Info sequence() {
    List<Info> items = new ArrayList<>();
    while (i < p.length() && p.charAt(i) != '|' && p.charAt(i) != ')') {
      Info atom = atom();
      items.add(quantified(atom));
    }
    // Cross-multiply runs of exact items into longer literals; every run and every other item's condition
    // is required, so the sequence requires all of them.
    List<LiteralCondition> all = new ArrayList<>();
    Set<String> run = Set.of("");
    boolean allExact = true;
    for (Info it : items) {
      if (it.exact() != null) {
        Set<String> next = cross(run, it.exact());
        if (next != null) {
          run = next;
          continue;
        }
        // Too many combinations: the run so far is required on its own, a new run starts here, and the
        // sequence as a whole is no longer an exact set.
        allExact = false;
        addRun(all, run);
        run = it.exact();
        continue;
      }
      allExact = false;
      addRun(all, run);
      run = Set.of("");
      if (it.cond() != null) {
        all.add(it.cond());
      }
    }
    if (allExact) {
      return new Info(run, null);
    }
    addRun(all, run);
    return new Info(null, LiteralCondition.all(withoutWeakParts(all)));
  }

  /**
   * Drops the parts that almost every value satisfies (a single letter or digit, as in {@code j\s*a\s*v\s*a}):
   * they filter nothing yet put a hit on most characters of every value. Dropping a required part only
   * weakens the condition, so it stays sound; when every part is weak, the best one is kept.
   */
  private static List<LiteralCondition> withoutWeakParts(List<LiteralCondition> parts) {
    List<LiteralCondition> strong = new ArrayList<>();
    LiteralCondition best = null;
    Set<String> bestClause = null;
    for (LiteralCondition c : parts) {
      if (!weak(c)) {
        strong.add(c);
      } else if (better(bestClause, c.oneClause()) != bestClause) {
        best = c;
        bestClause = c.oneClause();
      }
    }
    return strong.isEmpty() && best != null ? List.of(best) : strong;
  }

  private static boolean weak(LiteralCondition c) {
    for (String l : c.literals()) {
      if (l.length() == 1 && Character.isLetterOrDigit(l.charAt(0))) {
        return true;
      }
    }
    return false;
  }

  private static void addRun(List<LiteralCondition> all, Set<String> run) {
    Set<String> v = valid(run);
    if (v != null && !v.isEmpty()) {
      all.add(LiteralCondition.anyOf(v));
    }
  }

  private static Set<String> valid(Set<String> s) {
    return s == null || s.contains("") ? null : s;
  }

  private static Set<String> cross(Set<String> a, Set<String> b) {
    if ((long) a.size() * b.size() > MAX_SET) {
      return null;
    }
    Set<String> out = new HashSet<>();
    for (String x : a) {
      for (String y : b) {
        out.add(x + y);
      }
    }
    return out;
  }

  private static int minLength(Set<String> s) {
    int m = Integer.MAX_VALUE;
    for (String x : s) {
      m = Math.min(m, x.length());
    }
    return m;
  }

  static Set<String> better(Set<String> a, Set<String> b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    int la = minLength(a);
    int lb = minLength(b);
    if (la != lb) {
      return la > lb ? a : b;
    }
    return a.size() <= b.size() ? a : b;
  }

  private Info quantified(Info atom) {
    Quantifier q = Quantifier.at(p, i);
    if (q == null) {
      return atom;
    }
    i = q.end();
    int min = q.min();
    int max = q.max();
    if (min == 0) {
      if (max == 1 && atom.exact() != null && atom.exact().size() < MAX_SET) {
        Set<String> s = new HashSet<>(atom.exact());
        s.add("");
        return new Info(s, null);
      }
      return Info.ANY;
    }
    if (min == 1 && max == 1) {
      return atom;
    }
    // x{2,3} must contain xx: repeat an exact set min times (\.{2,3} requires "..", not just ".")
    if (atom.exact() != null && min > 1) {
      Set<String> repeated = Set.of("");
      for (int k = 0; k < min && repeated != null; k++) {
        repeated = cross(repeated, atom.exact());
      }
      if (repeated != null) {
        if (min == max) {
          return new Info(repeated, null);
        }
        Set<String> v = valid(repeated);
        return new Info(null, v == null || v.isEmpty() ? null : LiteralCondition.anyOf(v));
      }
    }
    return new Info(null, atom.condition());
  }

  private Info atom() {
    char c = p.charAt(i);
    switch (c) {
      case '(' -> {
        return group();
      }
      case '[' -> {
        return charClass();
      }
      case '\\' -> {
        return escape();
      }
      case '.' -> {
        i++;
        return Info.ANY;
      }
      case '^', '$' -> {
        i++;
        return Info.EMPTY;
      }
      default -> {
        i++;
        return literal(c);
      }
    }
  }

  private static Info literal(char c) {
    // the Aho-Corasick automaton only represents characters below 256: anything else requires nothing
    return c >= 256 ? Info.ANY : new Info(Set.of(String.valueOf(lower(c))), null);
  }

  static char lower(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
  }

  private Info group() {
    i++;
    boolean zeroWidth = false;
    if (p.startsWith("?", i)) {
      if (p.startsWith("?:", i) || p.startsWith("?>", i)) {
        i += 2;
      } else if (p.startsWith("?=", i) || p.startsWith("?!", i)) {
        i += 2;
        zeroWidth = true;
      } else if (p.startsWith("?<=", i) || p.startsWith("?<!", i)) {
        i += 3;
        zeroWidth = true;
      } else if (p.startsWith("?<", i)) {
        i = p.indexOf('>', i) + 1;
      } else if (p.startsWith("?#", i)) {
        i = p.indexOf(')', i) + 1;
        return Info.EMPTY;
      } else {
        int j = i + 1;
        while (j < p.length() && (Character.isLetter(p.charAt(j)) || p.charAt(j) == '-')) {
          j++;
        }
        if (j < p.length() && p.charAt(j) == ')') {
          i = j + 1;
          return Info.EMPTY;
        }
        if (j < p.length() && p.charAt(j) == ':') {
          i = j + 1;
        } else {
          throw new IllegalArgumentException("unsupported group at " + i);
        }
      }
    }
    Info inner = alternation();
    if (i >= p.length() || p.charAt(i) != ')') {
      throw new IllegalArgumentException("unbalanced group");
    }
    i++;
    return zeroWidth ? Info.EMPTY : inner;
  }

  private Info escape() {
    char e = p.charAt(i + 1);
    i += 2;
    switch (e) {
      case 'b', 'B', 'A', 'z', 'Z', 'G' -> {
        return Info.EMPTY;
      }
      case 'n' -> {
        return literal('\n');
      }
      case 'r' -> {
        return literal('\r');
      }
      case 't' -> {
        return literal('\t');
      }
      case 'f' -> {
        return literal('\f');
      }
      case 'e' -> {
        return literal((char) 27);
      }
      case 'a' -> {
        return literal((char) 7);
      }
      case 'x' -> {
        return literal(hexChar());
      }
      case 'Q' -> {
        int end = p.indexOf("\\E", i);
        String lit = end < 0 ? p.substring(i) : p.substring(i, end);
        i = end < 0 ? p.length() : end + 2;
        StringBuilder sb = new StringBuilder();
        for (char ch : lit.toCharArray()) {
          if (ch >= 256) {
            return Info.ANY;
          }
          sb.append(lower(ch));
        }
        return new Info(Set.of(sb.toString()), null);
      }
      case 'p', 'P' -> {
        if (i < p.length() && p.charAt(i) == '{') {
          i = p.indexOf('}', i) + 1;
        } else {
          i++;
        }
        return Info.ANY;
      }
      case 'k' -> {
        i = p.indexOf('>', i) + 1;
        return Info.ANY;
      }
      default -> {
        if (Character.isLetterOrDigit(e)) {
          return Info.ANY;
        }
        return literal(e);
      }
    }
  }

  /** After {@code \x}: {@code HH} or {@code {H..}}. */
  private char hexChar() {
    if (p.charAt(i) == '{') {
      int end = p.indexOf('}', i);
      int code = Integer.parseInt(p.substring(i + 1, end), 16);
      i = end + 1;
      return (char) code;
    }
    int code = Integer.parseInt(p.substring(i, i + 2), 16);
    i += 2;
    return (char) code;
  }

  private Info charClass() {
    i++;
    boolean negated = false;
    if (p.charAt(i) == '^') {
      negated = true;
      i++;
    }
    Set<Character> chars = new HashSet<>();
    boolean unknown = false;
    boolean first = true;
    while (i < p.length() && (p.charAt(i) != ']' || first)) {
      first = false;
      if (p.charAt(i) == '[') {
        throw new IllegalArgumentException("nested class");
      }
      char lo;
      if (p.charAt(i) == '\\') {
        char e = p.charAt(i + 1);
        if (e == 'x') {
          i += 2;
          lo = hexChar();
        } else if (e == 'p' || e == 'P') {
          i += 2;
          i = p.charAt(i) == '{' ? p.indexOf('}', i) + 1 : i + 1;
          unknown = true;
          continue;
        } else if (Character.isLetter(e)) {
          i += 2;
          switch (e) {
            case 'n' -> lo = '\n';
            case 'r' -> lo = '\r';
            case 't' -> lo = '\t';
            case 'f' -> lo = '\f';
            case 'e' -> lo = (char) 27;
            case 'a' -> lo = (char) 7;
            default -> {
              unknown = true;
              continue;
            }
          }
        } else {
          lo = e;
          i += 2;
        }
      } else {
        lo = p.charAt(i++);
      }
      if (i + 1 < p.length() && p.charAt(i) == '-' && p.charAt(i + 1) != ']') {
        i++;
        char hi;
        if (p.charAt(i) == '\\') {
          char e = p.charAt(i + 1);
          if (e == 'x') {
            i += 2;
            hi = hexChar();
          } else if (Character.isLetter(e)) {
            // a control character's escape ends a range as it starts one (the CRS writes [\t-\r] for its
            // whitespace); any other letter escape (a class, \d, \s, ...) cannot end one
            i += 2;
            hi = switch (e) {
              case 'n' -> '\n';
              case 'r' -> '\r';
              case 't' -> '\t';
              case 'f' -> '\f';
              case 'e' -> (char) 27;
              case 'a' -> (char) 7;
              default -> throw new IllegalArgumentException("class range to escape \\" + e);
            };
          } else {
            hi = e;
            i += 2;
          }
        } else {
          hi = p.charAt(i++);
        }
        if (hi - lo > 16) {
          unknown = true;
        } else {
          for (char ch = lo; ch <= hi; ch++) {
            chars.add(lower(ch));
          }
        }
      } else {
        chars.add(lower(lo));
      }
    }
    if (i >= p.length()) {
      throw new IllegalArgumentException("unterminated class");
    }
    i++;
    boolean wide = chars.stream().anyMatch(ch -> ch >= 256);
    if (negated || unknown || wide || chars.size() > MAX_CLASS || chars.isEmpty()) {
      return Info.ANY;
    }
    Set<String> s = new HashSet<>();
    for (char ch : chars) {
      s.add(String.valueOf(ch));
    }
    return new Info(s, null);
  }
}
