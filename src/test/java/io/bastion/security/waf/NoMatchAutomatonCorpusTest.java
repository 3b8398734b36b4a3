package io.bastion.security.waf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.security.waf.operators.BoundedCharSequence;
import io.bastion.security.waf.operators.RegexBudgetExceededException;
import io.bastion.security.waf.operators.Rx;
import io.bastion.security.waf.parser.SecLangParser;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

/**
 * The @rx no-match automaton may only say "no" when {@code java.util.regex} finds nothing: every CRS regex
 * (all paranoia levels) against every distinct value of the CRS regression corpus (request line, query
 * parameters raw and decoded, header names and values, body pieces, each also lower-cased) plus the ReDoS
 * test's hostile inputs. A regex that finds a match where the automaton said "no" is a failure; the test
 * also requires that the automaton exists for nearly every pattern and rules out most pairs, so it cannot
 * pass by saying "maybe" to everything.
 */
class NoMatchAutomatonCorpusTest {

  private static final int MAX_VALUE_LENGTH = 2_048;

  @Test
  void automatonNeverRulesOutAValueTheRegexMatches() throws Exception {
    Path corpus = WafCorpus.dir();
    Set<Rx> regexes = crsRegexes(corpus);
    List<String> values = values(corpus);
    long withAutomaton = regexes.stream().filter(Rx::hasNoMatchAutomaton).count();
    long ruledOut = 0;
    long pairs = 0;
    List<String> unsound = new ArrayList<>();
    for (Rx rx : regexes) {
      Matcher m = rx.pattern().matcher("");
      for (String v : values) {
        pairs++;
        if (rx.automatonMayFind(v)) {
          continue;
        }
        ruledOut++;
        if (finds(m, v) && unsound.size() < 20) {
          unsound.add(rx.pattern().pattern() + " finds a match in " + v);
        }
      }
    }
    assertEquals(List.of(), unsound);
    assertTrue(withAutomaton >= regexes.size() * 95 / 100,
        withAutomaton + " of " + regexes.size() + " CRS regexes have an automaton");
    assertTrue(ruledOut >= pairs / 2, "the automaton ruled out only " + ruledOut + " of " + pairs + " pairs");
  }

  /**
   * The anchored whole-value automaton ({@code ^X$} patterns read exactly) answers "matches" as well as "does
   * not": every answer it gives must be {@code java.util.regex}'s, for every such CRS regex and every corpus value
   * (and those values with a line terminator appended or a Latin-1 letter put before them). It must exist for the two
   * negated header and request-line checks it was made for and answer for nearly every pair, both ways.
   */
  @Test
  void wholeValueAutomatonAnswersAsTheRegexDoes() throws Exception {
    Path corpus = WafCorpus.dir();
    Set<Rx> regexes = crsRegexes(corpus);
    List<String> values = new ArrayList<>(values(corpus));
    int base = values.size();
    for (String v : List.copyOf(values)) {
      if (v.length() < 200) {
        values.add(v + "\n");
        values.add(v + "\r\n");
        values.add("\u00e9" + v);
      }
    }
    Set<String> ids = new LinkedHashSet<>();
    long answered = 0;
    long matched = 0;
    long pairs = 0;
    long basePairs = 0;
    long baseAnswered = 0;
    List<String> wrong = new ArrayList<>();
    for (Rx rx : regexes) {
      if (!rx.hasWholeValueAutomaton()) {
        continue;
      }
      ids.add(rx.pattern().pattern());
      Matcher m = rx.pattern().matcher("");
      for (int k = 0; k < values.size(); k++) {
        String v = values.get(k);
        pairs++;
        basePairs += k < base ? 1 : 0;
        int answer = rx.automatonMatchesWhole(v);
        if (answer < 0) {
          continue;
        }
        answered++;
        baseAnswered += k < base ? 1 : 0;
        matched += answer;
        Boolean found = findsOrNull(m, v);
        if (found != null && found != (answer == 1) && wrong.size() < 20) {
          wrong.add(rx.pattern().pattern() + (answer == 1 ? " matches" : " does not match") + " <" + v + ">");
        }
      }
    }
    assertEquals(List.of(), wrong);
    assertTrue(ids.stream().anyMatch(p -> p.startsWith("(?i)^(?:connect ")), "920100 has no whole-value automaton");
    assertTrue(ids.stream().anyMatch(p -> p.contains("charset[\\s\\x0b]*=")), "920600 has no whole-value automaton");
    assertTrue(baseAnswered >= basePairs * 9 / 10, "answered only " + baseAnswered + " of " + basePairs
        + " pairs of corpus values as they are");
    assertTrue(matched > 0 && matched < answered, matched + " of " + answered + " answers were matches");
  }

  private static Set<Rx> crsRegexes(Path corpus) throws Exception {
    Path crs = corpus.resolve("coreruleset");
    RuleSet rules = SecLangParser.standard().parseFile(crs.resolve("crs-setup.conf.example"))
        .parseFile(crs.resolve("rules/*.conf")).compile();
    Set<Rx> regexes = new LinkedHashSet<>();
    for (int phase = 1; phase <= 5; phase++) {
      for (Rule r : rules.phase(phase)) {
        for (Rule x = r; x != null; x = x.chained()) {
          if (x.operator() instanceof Rx rx) {
            regexes.add(rx);
          }
        }
      }
    }
    return regexes;
  }

  /** Matcher.find with a step bound; null when the bound is reached (the regex has no answer to compare). */
  private static Boolean findsOrNull(Matcher m, String v) {
    BoundedCharSequence seq = new BoundedCharSequence(v, 5_000_000L);
    try {
      return m.reset(seq).find();
    } catch (RegexBudgetExceededException | StackOverflowError e) {
      return null;
    } finally {
      seq.release();
    }
  }

  /** Matcher.find with a step bound: a value that exhausts it cannot count as a match either way, so skip it. */
  private static boolean finds(Matcher m, String v) {
    BoundedCharSequence seq = new BoundedCharSequence(v, 5_000_000L);
    try {
      return m.reset(seq).find();
    } catch (RegexBudgetExceededException | StackOverflowError e) {
      return false;
    } finally {
      seq.release();
    }
  }

  static List<String> values(Path corpus) throws Exception {
    Set<String> out = new LinkedHashSet<>();
    for (CrsRegressionTest.Case c : CrsRegressionTest.readCases(corpus.resolve("converted/crs-regression.jsonl"))) {
      WafRequest r = c.request();
      add(out, r.method() + " " + r.uri() + " " + r.protocol());
      add(out, r.uri());
      int q = r.uri().indexOf('?');
      if (q >= 0) {
        for (String pair : r.uri().substring(q + 1).split("&")) {
          for (String part : pair.split("=", 2)) {
            add(out, part);
            add(out, decode(part));
          }
        }
      }
      for (WafRequest.Header h : r.headers()) {
        add(out, h.name());
        add(out, h.value());
      }
      String body = new String(r.body(), StandardCharsets.ISO_8859_1);
      add(out, body);
      for (String pair : body.split("&")) {
        for (String part : pair.split("=", 2)) {
          add(out, decode(part));
        }
      }
    }
    out.addAll(CrsRegexReDosTest.hostileInputs());
    return List.copyOf(out);
  }

  /** A corpus value, and its lower-cased form, unless it is too long to be worth testing every regex on. */
  static void add(Set<String> out, String v) {
    if (v != null && v.length() <= MAX_VALUE_LENGTH) {
      out.add(v);
      out.add(v.toLowerCase(Locale.ROOT));
    }
  }

  /** URL-decoded as bytes (ISO-8859-1), as the engine's urlDecodeUni would for ASCII escapes. */
  static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.ISO_8859_1);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }
}
