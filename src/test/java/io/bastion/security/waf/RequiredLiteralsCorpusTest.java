package io.bastion.security.waf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.security.waf.operators.BoundedCharSequence;
import io.bastion.security.waf.operators.RegexBudgetExceededException;
import io.bastion.security.waf.operators.Rx;
import io.bastion.security.waf.parser.SecLangParser;
import io.bastion.security.waf.transformations.Transformation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

/**
 * The @rx required-literal condition ({@code RequiredLiterals}) may only say "cannot match" when
 * {@code java.util.regex} finds nothing: every CRS rule's regex (all paranoia levels) against every value of the CRS
 * regression corpus ({@link NoMatchAutomatonCorpusTest#values}) and of the gotestwaf corpus (request line, query
 * parameters, header values, bodies and a JSON body's leaves), each as the rule's transformation chain hands it to
 * the operator (and each shorter prefix's form, with multiMatch). A regex that finds a match in a value its
 * condition turned down is a failure.
 */
class RequiredLiteralsCorpusTest {

  @Test
  void conditionNeverRulesOutAValueTheRegexMatches() throws Exception {
    Path corpus = WafCorpus.dir();
    Path crs = corpus.resolve("coreruleset");
    RuleSet rules = SecLangParser.standard().parseFile(crs.resolve("crs-setup.conf.example"))
        .parseFile(crs.resolve("rules/*.conf")).compile();
    Set<String> values = new LinkedHashSet<>(NoMatchAutomatonCorpusTest.values(corpus));
    values.addAll(gotestwafValues(corpus));
    List<String> unsound = new ArrayList<>();
    long pairs = 0;
    long ruledOut = 0;
    Set<String> seen = new LinkedHashSet<>();
    for (int phase = 1; phase <= 5; phase++) {
      for (Rule starter : rules.phase(phase)) {
        for (Rule r = starter; r != null; r = r.chained()) {
          if (!(r.operator() instanceof Rx rx) || rx.literalCondition() == null) {
            continue;
          }
          Matcher m = rx.pattern().matcher("");
          for (String v : values) {
            for (String form : forms(r, v)) {
              if (!seen.add(rx.pattern().pattern() + '\u0000' + form)) {
                continue;
              }
              pairs++;
              if (rx.mayMatch(form)) {
                continue;
              }
              ruledOut++;
              if (finds(m, form) && unsound.size() < 20) {
                unsound.add(starter.id() + ": " + rx.pattern().pattern() + " finds a match in <" + form + ">");
              }
            }
          }
          seen.clear();
        }
      }
    }
    assertEquals(List.of(), unsound);
    assertTrue(ruledOut >= pairs / 2, "the condition ruled out only " + ruledOut + " of " + pairs + " pairs");
  }

  /**
   * The same at the level of whole rules, on gotestwaf's requests (RegexPrefilterSoundnessTest does it on the CRS
   * corpus): the CRS at paranoia level 4 behind Bastion's FHIR exclusions, with every prefilter and without any, must
   * report the same matched rules for every request that stays within the regex budget (without prefilters the
   * 16-128 KB bodies exhaust it, and the rules after count as "no match").
   */
  @Test
  void prefiltersNeverChangeAVerdictOnGotestwaf() throws Exception {
    WafEngine fast = crsFhir(true);
    WafEngine exact = crsFhir(false);
    List<String> differences = new ArrayList<>();
    int requests = 0;
    for (String line : Files.readAllLines(WafCorpus.dir().resolve("converted/gotestwaf.jsonl"), StandardCharsets.UTF_8)) {
      if (line.isBlank()) {
        continue;
      }
      JsonObject o = new JsonObject(line);
      List<WafRequest.Header> headers = new ArrayList<>();
      for (Map.Entry<String, Object> h : o.getJsonObject("headers", new JsonObject())) {
        headers.add(new WafRequest.Header(h.getKey(), String.valueOf(h.getValue())));
      }
      headers.add(new WafRequest.Header("Host", "fhir.example.org"));
      byte[] body = o.containsKey("body_b64") ? java.util.Base64.getDecoder().decode(o.getString("body_b64"))
          : o.getString("body", "").getBytes(StandardCharsets.UTF_8);
      WafRequest request = new WafRequest(o.getString("method", "GET"), o.getString("path", "/"), "HTTP/1.1",
          headers, body, "10.0.0.1");
      Transaction a = run(fast, request);
      Transaction b = run(exact, request);
      if (a.evaluationBudgetExhausted() || b.evaluationBudgetExhausted()) {
        continue; // past the regex budget the rules left count as "no match": a cost, not a verdict, differs
      }
      requests++;
      if (!ids(a).equals(ids(b))) {
        differences.add(o.getString("id") + ": with prefilters " + ids(a) + ", without " + ids(b));
      }
    }
    assertEquals(List.of(), differences);
    assertTrue(requests > 550, "only " + requests + " requests within the regex budget");
  }

  private static WafEngine crsFhir(boolean prefilter) throws Exception {
    Path crs = WafCorpus.crsDir();
    SecLangParser parser = new SecLangParser(io.bastion.security.waf.operators.Operators.standard(prefilter),
        io.bastion.security.waf.transformations.Transformations.standard());
    parser.parseText(Path.of("(waf.paranoia-level)"),
        "SecAction \"id:99001,phase:1,pass,nolog,t:none,setvar:tx.blocking_paranoia_level=4\"\n");
    parser.parseFile(crs.resolve("crs-setup.conf.example"));
    io.bastion.security.BuiltinRules.parseInto(parser, "builtin:crs-fhir-before");
    parser.parseFile(crs.resolve("rules/*.conf"));
    return new WafEngine(parser.compile());
  }

  private static Transaction run(WafEngine engine, WafRequest request) {
    Transaction tx = engine.newTransaction(request);
    tx.setEngineMode(EngineMode.DETECTION_ONLY);
    tx.processRequest();
    return tx;
  }

  private static List<Integer> ids(Transaction tx) {
    return tx.matchedRules().stream().map(MatchedRule::id).toList();
  }

  /** The CRS writes whitespace as {@code [\t-\r ...]}: such a range has a condition (941120 and 941160 had none). */
  @Test
  void rangesEndingInAControlEscapeHaveAConditionAtPl1() throws Exception {
    RuleSet rules = WafEngineBenchmark.load("crs-fhir");
    for (int id : new int[] {941120, 941160}) {
      Rule rule = rules.phase(2).stream().filter(r -> r.id() == id).findFirst().orElseThrow();
      assertNotNull(((Rx) rule.operator()).literalCondition(), id + " has no literal condition");
      assertTrue(!rule.needs().isAll(), id + " needs every byte");
    }
  }

  /** The value as the rule's operator sees it: through its whole chain, or (multiMatch) through each prefix too. */
  private static List<String> forms(Rule r, String v) {
    List<String> out = new ArrayList<>();
    String f = v;
    if (r.multiMatch()) {
      out.add(f);
    }
    for (Transformation t : r.transformations()) {
      f = t.transform(f);
      if (r.multiMatch()) {
        out.add(f);
      }
    }
    if (!r.multiMatch()) {
      out.add(f);
    }
    return out;
  }

  private static boolean finds(Matcher m, String v) {
    BoundedCharSequence seq = new BoundedCharSequence(v, 5_000_000L);
    try {
      return m.reset(seq).find();
    } catch (RegexBudgetExceededException | StackOverflowError e) {
      return false; // no answer from the regex either way
    } finally {
      seq.release();
    }
  }

  /** gotestwaf's request lines, query parameters (raw and decoded), header values, bodies and JSON leaves. */
  private static Set<String> gotestwafValues(Path corpus) throws Exception {
    Set<String> out = new LinkedHashSet<>();
    for (String line : Files.readAllLines(corpus.resolve("converted/gotestwaf.jsonl"), StandardCharsets.UTF_8)) {
      if (line.isBlank()) {
        continue;
      }
      JsonObject o = new JsonObject(line);
      String path = o.getString("path", "/");
      NoMatchAutomatonCorpusTest.add(out, path);
      int q = path.indexOf('?');
      if (q >= 0) {
        for (String pair : path.substring(q + 1).split("&")) {
          for (String part : pair.split("=", 2)) {
            NoMatchAutomatonCorpusTest.add(out, part);
            NoMatchAutomatonCorpusTest.add(out, NoMatchAutomatonCorpusTest.decode(part));
          }
        }
      }
      for (Map.Entry<String, Object> h : o.getJsonObject("headers", new JsonObject())) {
        NoMatchAutomatonCorpusTest.add(out, String.valueOf(h.getValue()));
      }
      String body = o.getString("body", "");
      NoMatchAutomatonCorpusTest.add(out, body);
      String trimmed = body.trim();
      if (trimmed.startsWith("{")) {
        try {
          leaves(new JsonObject(trimmed), out);
        } catch (RuntimeException e) {
          // not JSON after all: the body itself is in
        }
      }
    }
    return out;
  }

  private static void leaves(Object node, Set<String> out) {
    if (node instanceof JsonObject o) {
      for (Map.Entry<String, Object> e : o) {
        NoMatchAutomatonCorpusTest.add(out, e.getKey());
        leaves(e.getValue(), out);
      }
    } else if (node instanceof JsonArray a) {
      for (Object x : a) {
        leaves(x, out);
      }
    } else if (node != null) {
      NoMatchAutomatonCorpusTest.add(out, String.valueOf(node));
    }
  }
}
