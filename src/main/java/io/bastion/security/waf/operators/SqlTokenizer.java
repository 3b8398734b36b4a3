package io.bastion.security.waf.operators;

import java.util.Locale;
import java.util.Set;

/**
 * A small SQL lexer for {@link DetectSqli}: turns text into a short list of token classes (like
 * libinjection's fingerprints): {@code s} string, {@code n} number, {@code k} keyword, {@code U} UNION,
 * {@code &} logical operator (AND/OR/XOR/&&/||), {@code f} function name followed by {@code (},
 * {@code o} operator, {@code c} comment, {@code ;}, {@code (}, {@code )}, {@code ,}, {@code v} variable
 * ({@code @x}, {@code @@x}), {@code b} bareword.
 * A word is looked up once, in one table of every listed word with its roles ({@link #WORDS}), by its ASCII
 * characters lower-cased in place (no copy); a word with a character above 127 is lower-cased as a string with
 * {@code Locale.ROOT} first, as before (the Kelvin sign lower-cases to {@code k}).
 */
final class SqlTokenizer {

  static final Set<String> KEYWORDS = Set.of("select", "insert", "update", "delete", "drop", "from", "where",
      "having", "group", "order", "by", "into", "values", "exec", "execute", "declare", "create", "alter",
      "truncate", "shutdown", "waitfor", "delay", "like", "rlike", "regexp", "between", "is", "not", "null",
      "case", "when", "then", "else", "end", "limit", "offset", "table", "procedure", "all", "distinct",
      "outfile", "dumpfile", "load_file", "information_schema", "sounds", "div", "mod", "in", "as", "top",
      "exists", "database", "schema", "version", "user", "current_user", "sysdate", "replace", "grant");

  static final Set<String> STATEMENTS = Set.of("insert", "update", "delete", "drop", "exec", "execute",
      "declare", "create", "alter", "truncate", "shutdown", "waitfor", "having", "order", "group", "into",
      "procedure", "grant", "from", "where", "limit");

  static final Set<String> FUNCTIONS = Set.of("sleep", "benchmark", "pg_sleep", "waitfor", "char", "chr",
      "concat", "concat_ws", "substring", "substr", "ascii", "load_file", "extractvalue", "updatexml",
      "version", "database", "user", "current_user", "count", "group_concat", "if", "ifnull", "hex", "unhex",
      "md5", "sha1", "cast", "convert", "length", "mid", "ord", "dbms_pipe.receive_message", "xp_cmdshell",
      "utl_inaddr.get_host_name", "randomblob", "make_set", "elt", "name_const", "row", "exp", "floor", "rand",
      "schema", "system_user", "session_user", "@@version", "json_keys", "sys_eval", "to_char");

  /** A word's roles in {@link #WORDS}. */
  private static final int UNION = 1;
  private static final int SELECT = 2;
  private static final int LOGICAL = 4;
  private static final int FUNCTION = 8;
  private static final int KEYWORD = 16;
  private static final int STATEMENT = 32;

  /** Open addressing over every listed word (lower case): its roles; {@link #roles} looks a word up. */
  private static final String[] WORDS;
  private static final byte[] ROLES;
  private static final int LONGEST;

  static {
    java.util.Map<String, Integer> roles = new java.util.HashMap<>();
    roles.merge("union", UNION, (a, b) -> a | b);
    roles.merge("select", SELECT, (a, b) -> a | b);
    for (String w : new String[] {"and", "or", "xor"}) {
      roles.merge(w, LOGICAL, (a, b) -> a | b);
    }
    FUNCTIONS.forEach(w -> roles.merge(w, FUNCTION, (a, b) -> a | b));
    KEYWORDS.forEach(w -> roles.merge(w, KEYWORD, (a, b) -> a | b));
    STATEMENTS.forEach(w -> roles.merge(w, STATEMENT, (a, b) -> a | b));
    // at most a quarter full, a power of two (slot masks with it): probes stay short, and a longer list cannot fill it
    int size = Integer.highestOneBit(roles.size() * 4 - 1) << 1;
    WORDS = new String[size];
    ROLES = new byte[size];
    int longest = 0;
    for (var e : roles.entrySet()) {
      int k = slot(e.getKey().hashCode());
      while (WORDS[k] != null) {
        k = (k + 1) & (WORDS.length - 1);
      }
      WORDS[k] = e.getKey();
      ROLES[k] = (byte) (int) e.getValue();
      longest = Math.max(longest, e.getKey().length());
    }
    LONGEST = longest;
  }

  private SqlTokenizer() {
  }

  private static int slot(int hash) {
    return (hash ^ (hash >>> 16)) & (WORDS.length - 1);
  }

  /** The roles of {@code in[start, end)} lower-cased, or 0 for a word none of the lists holds. */
  private static int roles(String in, int start, int end) {
    if (end - start > LONGEST) {
      boolean ascii = true;
      for (int k = start; k < end && ascii; k++) {
        ascii = in.charAt(k) < 128;
      }
      if (ascii) {
        return 0; // an ASCII word keeps its length when lower-cased: longer than any listed word
      }
      return roles(in.substring(start, end).toLowerCase(Locale.ROOT));
    }
    int h = 0;
    for (int k = start; k < end; k++) {
      char c = in.charAt(k);
      if (c >= 128) {
        return roles(in.substring(start, end).toLowerCase(Locale.ROOT));
      }
      h = 31 * h + (c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    for (int k = slot(h); WORDS[k] != null; k = (k + 1) & (WORDS.length - 1)) {
      String w = WORDS[k];
      if (w.length() == end - start && asciiEquals(w, in, start)) {
        return ROLES[k];
      }
    }
    return 0;
  }

  /** Whether {@code in} from {@code start} is {@code w} (lower-case ASCII) with ASCII letters in either case. */
  private static boolean asciiEquals(String w, String in, int start) {
    for (int k = 0; k < w.length(); k++) {
      char c = in.charAt(start + k);
      if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != w.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private static int roles(String lower) {
    for (int k = slot(lower.hashCode()); WORDS[k] != null; k = (k + 1) & (WORDS.length - 1)) {
      if (WORDS[k].equals(lower)) {
        return ROLES[k];
      }
    }
    return 0;
  }

  /** At most {@code max} token classes of the input, starting in the given quote context (0 for none). */
  static String fingerprint(String in, char quoteContext, int max) {
    char[] out = new char[Math.max(max, 1)];
    int size = 0;
    int n = in.length();
    int i = 0;
    if (quoteContext != 0) {
      int end = in.indexOf(quoteContext);
      out[size++] = 's';
      i = end < 0 ? n : end + 1;
    }
    while (i < n && size < max) {
      char c = in.charAt(i);
      if (Character.isWhitespace(c) || c == 0xa0) {
        i++;
      } else if (c == '\'' || c == '"' || c == '`') {
        int end = in.indexOf(c, i + 1);
        out[size++] = c == '`' ? 'b' : 's';
        i = end < 0 ? n : end + 1;
      } else if (c == '/' && i + 1 < n && in.charAt(i + 1) == '*') {
        int end = in.indexOf("*/", i + 2);
        if (i + 2 < n && in.charAt(i + 2) == '!') {
          i += 3;
          while (i < n && Character.isDigit(in.charAt(i))) {
            i++;
          }
          continue;
        }
        out[size++] = 'c';
        i = end < 0 ? n : end + 2;
      } else if ((c == '-' && i + 1 < n && in.charAt(i + 1) == '-') || c == '#') {
        out[size++] = 'c';
        int end = in.indexOf('\n', i);
        i = end < 0 ? n : end + 1;
      } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(in.charAt(i + 1)))) {
        while (i < n && (Character.isLetterOrDigit(in.charAt(i)) || in.charAt(i) == '.')) {
          i++;
        }
        out[size++] = 'n';
      } else if (c == '@') {
        i++;
        while (i < n && (in.charAt(i) == '@' || Character.isLetterOrDigit(in.charAt(i)) || in.charAt(i) == '_')) {
          i++;
        }
        out[size++] = 'v';
      } else if (Character.isLetter(c) || c == '_' || c == '$') {
        int start = i;
        while (i < n && (Character.isLetterOrDigit(in.charAt(i)) || in.charAt(i) == '_' || in.charAt(i) == '$'
            || in.charAt(i) == '.')) {
          i++;
        }
        int roles = roles(in, start, i);
        int j = i;
        while (j < n && Character.isWhitespace(in.charAt(j))) {
          j++;
        }
        if ((roles & UNION) != 0) {
          out[size++] = 'U';
        } else if ((roles & SELECT) != 0) {
          out[size++] = 'S';
        } else if ((roles & LOGICAL) != 0) {
          out[size++] = '&';
        } else if (j < n && in.charAt(j) == '(' && (roles & FUNCTION) != 0) {
          out[size++] = 'F';
        } else if (j < n && in.charAt(j) == '(' && (roles & KEYWORD) == 0) {
          out[size++] = 'f';
        } else if ((roles & STATEMENT) != 0) {
          out[size++] = 'K';
        } else if ((roles & KEYWORD) != 0) {
          out[size++] = 'k';
        } else {
          out[size++] = 'b';
        }
      } else if ((c == '|' || c == '&') && i + 1 < n && in.charAt(i + 1) == c) {
        out[size++] = '&';
        i += 2;
      } else if (c == ';' || c == '(' || c == ')' || c == ',') {
        out[size++] = c;
        i++;
      } else if ("=<>!+-*/%^|&~:".indexOf(c) >= 0) {
        while (i < n && "=<>!|&:".indexOf(in.charAt(i)) >= 0 && i - 1 >= 0) {
          i++;
          if (i < n && "=<>!|&:".indexOf(in.charAt(i)) < 0) {
            break;
          }
        }
        if (i < n && "=<>!+-*/%^|&~:".indexOf(in.charAt(i)) >= 0 && in.charAt(i) == c) {
          i++;
        }
        out[size++] = 'o';
      } else {
        i++;
      }
    }
    return new String(out, 0, size);
  }
}
