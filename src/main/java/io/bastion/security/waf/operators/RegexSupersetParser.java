package io.bastion.security.waf.operators;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads a {@code java.util.regex} pattern (as {@link PcreTranslator} writes it, {@code DOTALL}) into a tree
 * that matches <em>at least</em> every string the pattern matches, over the byte alphabet (chars 0-255):
 * word boundaries stay ({@link NoMatchDfa} checks them against the bytes around them), anchors and look-arounds
 * become the empty string, back-references any string, atomic
 * groups, lazy and possessive quantifiers plain ones, and large counted repetitions are widened
 * ({@code x{2,100}} reads as {@code x{2,}}). Case-insensitivity is ASCII-only, as Java's without
 * {@code UNICODE_CASE}. Anything else the reader does not know (nested or intersected classes, {@code \p}
 * properties) widens to "any character", so the tree is a safe over-approximation for {@link NoMatchDfa}.
 * {@link #parse} returns null for syntax it cannot approximate safely (comments mode, Unicode case flags).
 *
 * <p>{@link #parseWhole} reads the same syntax strictly: it returns a tree only for a pattern {@code ^X$} whose
 * {@code X} the tree describes <em>exactly</em> (no anchor inside, no look-around, back-reference, atomic group or
 * possessive quantifier, no widened repetition or class, flags {@code i} and {@code s} only), so an anchored
 * automaton built from it answers "matches" as well as "does not match" ({@link NoMatchDfa#whole}).
 */
final class RegexSupersetParser {

  /** Counted repetitions keep at most this many mandatory copies, and are exact only up to {@link #MAX_EXACT}. */
  private static final int MAX_MIN = 3;
  private static final int MAX_EXACT = 6;
  /** In strict reading, counted repetitions are kept as written up to this bound (beyond it: no tree). */
  private static final int MAX_STRICT = 16;

  /**
   * A tree node: a byte set, the empty string, any string, a sequence, an alternation, a repetition, or the
   * empty string where a word boundary is ({@code \b}) or is not ({@code \B}).
   */
  static final class Node {
    enum Kind { SET, EMPTY, ANY_STRING, CONCAT, ALT, REPEAT, WORD_BOUNDARY, NOT_WORD_BOUNDARY }

    final Kind kind;
    /** SET: the bytes it matches ({@code set[c >> 6]} bit {@code c & 63}). */
    final long[] set;
    final List<Node> children;
    /** REPEAT: at least {@code min} copies, at most {@code max} (-1 = unbounded). */
    final int min;
    final int max;

    private Node(Kind kind, long[] set, List<Node> children, int min, int max) {
      this.kind = kind;
      this.set = set;
      this.children = children;
      this.min = min;
      this.max = max;
    }

    static Node set(long[] set) {
      return new Node(Kind.SET, set, List.of(), 0, 0);
    }

    static Node of(Kind kind, List<Node> children) {
      return new Node(kind, null, List.copyOf(children), 0, 0);
    }

    static Node repeat(Node child, int min, int max) {
      return new Node(Kind.REPEAT, null, List.of(child), min, max);
    }
  }

  private static final Node EMPTY = Node.of(Node.Kind.EMPTY, List.of());
  private static final Node WORD_BOUNDARY = Node.of(Node.Kind.WORD_BOUNDARY, List.of());
  private static final Node NOT_WORD_BOUNDARY = Node.of(Node.Kind.NOT_WORD_BOUNDARY, List.of());
  private static final Node ANY_STRING = Node.of(Node.Kind.ANY_STRING, List.of());
  /** Strict reading: {@code ^} and {@code $}, the empty string to the automaton, told apart from it here. */
  private static final Node BEGIN = Node.of(Node.Kind.EMPTY, List.of());
  private static final Node END = Node.of(Node.Kind.EMPTY, List.of());

  /** Thrown inside the reader for syntax it will not approximate; {@link #parse} turns it into null. */
  private static final class Unsupported extends RuntimeException {
    Unsupported(String why) {
      super(why, null, false, false);
    }
  }

  private final String p;
  private int i;
  private boolean caseless;
  /** Every approximation is refused ({@link #parseWhole}). */
  private final boolean strict;
  private int anchors;

  private RegexSupersetParser(String pattern, boolean strict) {
    this.p = pattern;
    this.strict = strict;
  }

  /** In strict reading, refuses the approximation about to be made. */
  private void inexact(String why) {
    if (strict) {
      throw new Unsupported(why);
    }
  }

  /** The over-approximating tree of a Java pattern, or null when the reader does not support its syntax. */
  static Node parse(String javaPattern) {
    RegexSupersetParser r = new RegexSupersetParser(javaPattern, false);
    try {
      Node n = r.alternation();
      if (r.i != r.p.length()) {
        return null; // an unbalanced ')': java.util.regex would not have compiled it either
      }
      return n;
    } catch (Unsupported | IndexOutOfBoundsException | NumberFormatException | StackOverflowError e) {
      return null;
    }
  }

  /**
   * For a pattern {@code ^X$} (after any leading inline flags) read without approximation: the tree of the whole
   * pattern, its anchors as empty strings, which matches exactly the strings {@code X} matches (over chars
   * 0-255; with a word boundary, over ASCII). Null for any other pattern or any construct it would approximate.
   */
  static Node parseWhole(String javaPattern) {
    RegexSupersetParser r = new RegexSupersetParser(javaPattern, true);
    try {
      Node n = r.alternation();
      if (r.i != r.p.length() || r.anchors != 2 || n.kind != Node.Kind.CONCAT) {
        return null;
      }
      List<Node> parts = n.children;
      int first = 0;
      while (first < parts.size() && parts.get(first) == EMPTY) {
        first++; // (?i) and the like
      }
      if (first >= parts.size() - 1 || parts.get(first) != BEGIN || parts.get(parts.size() - 1) != END) {
        return null;
      }
      return n;
    } catch (Unsupported | IndexOutOfBoundsException | NumberFormatException | StackOverflowError e) {
      return null;
    }
  }

  private boolean more() {
    return i < p.length();
  }

  private char peek() {
    return p.charAt(i);
  }

  private Node alternation() {
    List<Node> branches = new ArrayList<>();
    branches.add(sequence());
    while (more() && peek() == '|') {
      i++;
      branches.add(sequence());
    }
    return branches.size() == 1 ? branches.get(0) : Node.of(Node.Kind.ALT, branches);
  }

  private Node sequence() {
    List<Node> parts = new ArrayList<>();
    while (more() && peek() != '|' && peek() != ')') {
      Node atom = atom();
      parts.add(quantified(atom));
    }
    if (parts.isEmpty()) {
      return EMPTY;
    }
    return parts.size() == 1 ? parts.get(0) : Node.of(Node.Kind.CONCAT, parts);
  }

  private Node quantified(Node atom) {
    // lazy and possessive forms match the same strings here: only which match is found first differs,
    // and a possessive one matches a subset of the greedy one's strings
    for (Quantifier q = Quantifier.at(p, i); q != null; q = Quantifier.at(p, i)) {
      if (strict) {
        if (q.end() - 1 > i && p.charAt(q.end() - 1) == '+') {
          throw new Unsupported("possessive quantifier");
        }
        if (q.min() > MAX_STRICT || q.max() > MAX_STRICT || q.max() >= 0 && q.max() < q.min()) {
          throw new Unsupported("large counted repetition");
        }
        i = q.end();
        atom = q.min() == 1 && q.max() == 1 ? atom : Node.repeat(atom, q.min(), q.max());
        continue;
      }
      i = q.end();
      atom = widenedRepeat(atom, q.min(), q.max());
    }
    return atom;
  }

  /** A repetition no smaller than {@code {min,max}}, bounded in size so the automaton stays small. */
  private static Node widenedRepeat(Node atom, int min, int max) {
    int lo = Math.min(min, MAX_MIN);
    int hi = max < 0 || max > MAX_EXACT || max < lo ? -1 : max;
    if (lo == 1 && hi == 1) {
      return atom;
    }
    return Node.repeat(atom, lo, hi);
  }

  private Node atom() {
    char c = p.charAt(i++);
    switch (c) {
      case '(' -> {
        return group();
      }
      case '[' -> {
        return Node.set(characterClass());
      }
      case '.' -> {
        return Node.set(all());
      }
      case '^', '$' -> {
        anchors++;
        return strict ? (c == '^' ? BEGIN : END) : EMPTY;
      }
      case '\\' -> {
        return escape();
      }
      default -> {
        return Node.set(single(c));
      }
    }
  }

  private Node group() {
    boolean saved = caseless;
    boolean lookaround = false;
    if (more() && peek() == '?') {
      i++;
      char k = peek();
      if (k == ':' || k == '>') {
        if (k == '>') {
          inexact("atomic group");
        }
        i++;
      } else if (k == '=' || k == '!') {
        inexact("look-around");
        i++;
        lookaround = true;
      } else if (k == '<' && (p.charAt(i + 1) == '=' || p.charAt(i + 1) == '!')) {
        inexact("look-around");
        i += 2;
        lookaround = true;
      } else if (k == '<') {
        i = p.indexOf('>', i) + 1; // named group
      } else {
        boolean scoped = flags();
        if (!scoped) {
          // (?i) alone changes the flags of the enclosing group from here on: no group of its own
          return EMPTY;
        }
      }
    }
    Node inner = alternation();
    if (!more() || peek() != ')') {
      throw new Unsupported("unclosed group");
    }
    i++;
    caseless = saved;
    return lookaround ? EMPTY : inner;
  }

  /** Reads inline flags after {@code (?}; true when they open a group ({@code (?i:...)}), false for {@code (?i)}. */
  private boolean flags() {
    boolean on = true;
    while (true) {
      char f = p.charAt(i++);
      switch (f) {
        case 'i' -> caseless = on;
        case 's', 'm', 'd' -> { // DOTALL is always on; anchors are approximated away
          if (f != 's' || !on) {
            inexact("flag " + f);
          }
        }
        case '-' -> on = false;
        case ':' -> {
          return true;
        }
        case ')' -> {
          return false;
        }
        default -> throw new Unsupported("flag " + f);
      }
    }
  }

  private Node escape() {
    char e = p.charAt(i++);
    switch (e) {
      case 'b' -> {
        return WORD_BOUNDARY;
      }
      case 'B' -> {
        return NOT_WORD_BOUNDARY;
      }
      case 'A', 'z', 'Z', 'G' -> {
        inexact("anchor \\" + e);
        return EMPTY;
      }
      case 'k' -> {
        inexact("back-reference");
        i = p.indexOf('>', i) + 1;
        return ANY_STRING;
      }
      case 'Q' -> {
        int end = p.indexOf("\\E", i);
        String quoted = end < 0 ? p.substring(i) : p.substring(i, end);
        i = end < 0 ? p.length() : end + 2;
        List<Node> parts = new ArrayList<>();
        for (int k = 0; k < quoted.length(); k++) {
          parts.add(Node.set(single(quoted.charAt(k))));
        }
        return parts.isEmpty() ? EMPTY : Node.of(Node.Kind.CONCAT, parts);
      }
      case 'R', 'X' -> {
        inexact("\\" + e);
        return ANY_STRING;
      }
      default -> {
        if (e >= '1' && e <= '9') {
          inexact("back-reference");
          while (more() && Character.isDigit(peek())) {
            i++;
          }
          return ANY_STRING; // a back-reference: whatever the group matched
        }
        i--;
        long[] set = new long[4];
        classEscape(set);
        if (caseless) {
          closeAsciiCase(set); // an escaped letter (\x41) folds like a plain one; \w, \s, \d are closed already
        }
        return Node.set(set);
      }
    }
  }

  /**
   * Reads an escape (after the backslash) that stands for a set of characters, inside or outside a class,
   * and adds it to {@code set}; returns the character it denotes, or -1 for a multi-character set.
   */
  private int classEscape(long[] set) {
    char e = p.charAt(i++);
    switch (e) {
      case 'd' -> addRange(set, '0', '9');
      case 'D' -> addComplement(set, digits());
      case 's' -> addAll(set, spaces());
      case 'S' -> addComplement(set, spaces());
      case 'w' -> addAll(set, word());
      case 'W' -> addComplement(set, word());
      case 'h', 'H', 'v', 'V', 'p', 'P' -> {
        inexact("\\" + e);
        if ((e == 'p' || e == 'P') && more() && peek() == '{') {
          i = p.indexOf('}', i) + 1;
        } else if (e == 'p' || e == 'P') {
          i++;
        }
        addAll(set, all()); // properties and Unicode spaces: widened to any character
      }
      default -> {
        int ch = escapedChar(e);
        add(set, ch);
        return ch;
      }
    }
    return -1;
  }

  private int escapedChar(char e) {
    switch (e) {
      case 't' -> {
        return '\t';
      }
      case 'n' -> {
        return '\n';
      }
      case 'r' -> {
        return '\r';
      }
      case 'f' -> {
        return '\f';
      }
      case 'a' -> {
        return 7;
      }
      case 'e' -> {
        return 27;
      }
      case 'c' -> {
        return p.charAt(i++) ^ 64;
      }
      case 'x' -> {
        if (peek() == '{') {
          int close = p.indexOf('}', i);
          int v = Integer.parseInt(p.substring(i + 1, close), 16);
          i = close + 1;
          return v;
        }
        int v = Integer.parseInt(p.substring(i, i + 2), 16);
        i += 2;
        return v;
      }
      case 'u' -> {
        int v = Integer.parseInt(p.substring(i, i + 4), 16);
        i += 4;
        return v;
      }
      case '0' -> {
        int v = 0;
        int digits = 0;
        while (more() && digits < 3 && peek() >= '0' && peek() <= '7' && v * 8 + (peek() - '0') <= 0377) {
          v = v * 8 + (p.charAt(i++) - '0');
          digits++;
        }
        return v;
      }
      default -> {
        if (Character.isLetterOrDigit(e)) {
          throw new Unsupported("escape \\" + e);
        }
        return e;
      }
    }
  }

  private long[] characterClass() {
    long[] set = new long[4];
    boolean negated = more() && peek() == '^';
    if (negated) {
      i++;
    }
    boolean widened = false;
    boolean first = true;
    while (true) {
      char c = p.charAt(i++);
      if (c == ']' && !first) {
        break;
      }
      first = false;
      int from;
      if (c == '[' || (c == '&' && more() && peek() == '&')) {
        widened = true; // nested classes and intersections: not modelled, widened below
        if (c == '[') {
          skipNestedClass();
        }
        continue;
      } else if (c == '\\') {
        from = classEscape(set);
        if (from < 0) {
          continue;
        }
      } else {
        from = c;
        add(set, c);
      }
      if (more() && peek() == '-' && i + 1 < p.length() && p.charAt(i + 1) != ']') {
        i++;
        char t = p.charAt(i++);
        int to = t == '\\' ? escapedChar(p.charAt(i++)) : t;
        addRange(set, from, to);
      }
    }
    if (widened) {
      inexact("nested class");
      return all();
    }
    if (caseless) {
      closeAsciiCase(set);
    }
    if (negated) {
      for (int w = 0; w < 4; w++) {
        set[w] = ~set[w];
      }
    }
    return set;
  }

  private void skipNestedClass() {
    int depth = 1;
    while (depth > 0) {
      char c = p.charAt(i++);
      if (c == '\\') {
        i++;
      } else if (c == '[') {
        depth++;
      } else if (c == ']') {
        depth--;
      }
    }
  }

  private long[] single(int c) {
    long[] set = new long[4];
    add(set, c);
    if (caseless) {
      closeAsciiCase(set);
    }
    return set;
  }

  private static void closeAsciiCase(long[] set) {
    for (int c = 'a'; c <= 'z'; c++) {
      int u = c - 32;
      if (has(set, c) || has(set, u)) {
        add(set, c);
        add(set, u);
      }
    }
  }

  static boolean has(long[] set, int c) {
    return c < 256 && (set[c >> 6] & (1L << c)) != 0;
  }

  private static void add(long[] set, int c) {
    if (c < 256) {
      set[c >> 6] |= 1L << c;
    }
  }

  private static void addRange(long[] set, int from, int to) {
    for (int c = from; c <= Math.min(to, 255); c++) {
      add(set, c);
    }
  }

  private static void addAll(long[] set, long[] more) {
    for (int w = 0; w < 4; w++) {
      set[w] |= more[w];
    }
  }

  private static void addComplement(long[] set, long[] of) {
    for (int w = 0; w < 4; w++) {
      set[w] |= ~of[w];
    }
  }

  private static long[] all() {
    return new long[] {-1L, -1L, -1L, -1L};
  }

  private static long[] digits() {
    long[] s = new long[4];
    addRange(s, '0', '9');
    return s;
  }

  /** Java's {@code \s}: space, tab, line feed, vertical tab, form feed, carriage return. */
  private static long[] spaces() {
    long[] s = new long[4];
    for (char c : new char[] {' ', '\t', '\n', 0x0B, '\f', '\r'}) {
      add(s, c);
    }
    return s;
  }

  /** Java's {@code \w}: ASCII letters, digits and the underscore. */
  private static long[] word() {
    long[] s = new long[4];
    addRange(s, 'a', 'z');
    addRange(s, 'A', 'Z');
    addRange(s, '0', '9');
    add(s, '_');
    return s;
  }
}
