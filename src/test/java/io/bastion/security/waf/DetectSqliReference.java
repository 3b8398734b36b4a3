package io.bastion.security.waf;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code @detectSQLi} as it was before its tokenizer looked words up in one table and its fingerprints were
 * pre-checked (a verbatim copy of the old {@code DetectSqli} and {@code SqlTokenizer}), for
 * {@link DetectSqliCorpusTest} to compare the operator against. Test code only.
 */
final class DetectSqliReference {

  private DetectSqliReference() {
  }


  static final int TOKENS = 5;

  /** Shapes for the quote contexts (the fingerprint starts with the string that the quote closed). */
  private static final Pattern QUOTED = Pattern.compile(
      "^s\\)*(?:&[^$]|[KS]|Uk?S|c|o[snvfF(]|;[KS]|F\\()|^s\\)*$(?<=\\))");
  /** Shapes for the input as is. */
  private static final Pattern AS_IS = Pattern.compile(
      "^[nsbv]?\\)*U(?:k)?S|^[nbv]\\)*&[snv]o[snv]|^[snbv]?\\)*;[KSU]|^F\\(|^[snb]\\)*&F\\(|^[sn]c$"
          + "|^[nb]\\)+&|^S[^b]*K");

  /** The fingerprint the old detector captured when it matched, or null when it did not match. */
  static String detect(String input) {
    if (input.isEmpty()) {
      return null;
    }
    String fp = fingerprint(input, (char) 0, TOKENS);
    boolean hit = AS_IS.matcher(fp).find();
    for (char q : new char[] {'\'', '"'}) {
      if (!hit && input.indexOf(q) >= 0) {
        fp = fingerprint(input, q, TOKENS);
        hit = QUOTED.matcher(fp).find();
      }
    }
    return hit ? fp : null;
  }

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

  
  /** At most {@code max} token classes of the input, starting in the given quote context (0 for none). */
  static String fingerprint(String in, char quoteContext, int max) {
    List<Character> out = new ArrayList<>();
    int n = in.length();
    int i = 0;
    if (quoteContext != 0) {
      int end = in.indexOf(quoteContext);
      out.add('s');
      i = end < 0 ? n : end + 1;
    }
    while (i < n && out.size() < max) {
      char c = in.charAt(i);
      if (Character.isWhitespace(c) || c == 0xa0) {
        i++;
      } else if (c == '\'' || c == '"' || c == '`') {
        int end = in.indexOf(c, i + 1);
        out.add(c == '`' ? 'b' : 's');
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
        out.add('c');
        i = end < 0 ? n : end + 2;
      } else if ((c == '-' && i + 1 < n && in.charAt(i + 1) == '-') || c == '#') {
        out.add('c');
        int end = in.indexOf('\n', i);
        i = end < 0 ? n : end + 1;
      } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(in.charAt(i + 1)))) {
        while (i < n && (Character.isLetterOrDigit(in.charAt(i)) || in.charAt(i) == '.')) {
          i++;
        }
        out.add('n');
      } else if (c == '@') {
        i++;
        while (i < n && (in.charAt(i) == '@' || Character.isLetterOrDigit(in.charAt(i)) || in.charAt(i) == '_')) {
          i++;
        }
        out.add('v');
      } else if (Character.isLetter(c) || c == '_' || c == '$') {
        int start = i;
        while (i < n && (Character.isLetterOrDigit(in.charAt(i)) || in.charAt(i) == '_' || in.charAt(i) == '$'
            || in.charAt(i) == '.')) {
          i++;
        }
        String w = in.substring(start, i).toLowerCase(Locale.ROOT);
        int j = i;
        while (j < n && Character.isWhitespace(in.charAt(j))) {
          j++;
        }
        if (w.equals("union")) {
          out.add('U');
        } else if (w.equals("select")) {
          out.add('S');
        } else if (w.equals("and") || w.equals("or") || w.equals("xor")) {
          out.add('&');
        } else if (j < n && in.charAt(j) == '(' && FUNCTIONS.contains(w)) {
          out.add('F');
        } else if (j < n && in.charAt(j) == '(' && !KEYWORDS.contains(w)) {
          out.add('f');
        } else if (STATEMENTS.contains(w)) {
          out.add('K');
        } else if (KEYWORDS.contains(w)) {
          out.add('k');
        } else {
          out.add('b');
        }
      } else if ((c == '|' || c == '&') && i + 1 < n && in.charAt(i + 1) == c) {
        out.add('&');
        i += 2;
      } else if (c == ';' || c == '(' || c == ')' || c == ',') {
        out.add(c);
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
        out.add('o');
      } else {
        i++;
      }
    }
    StringBuilder sb = new StringBuilder(out.size());
    for (Character ch : out) {
      sb.append(ch.charValue());
    }
    return sb.toString();
  }
}
