package io.bastion.security;

import io.bastion.security.waf.MatchedRule;
import io.bastion.security.waf.Transaction;
import io.bastion.security.waf.WafConfigException;
import io.bastion.security.waf.WafRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Replays requests through an {@link InlineWaf} in {@code on} mode exactly as {@code gateway.WafHandler} runs
 * it: phase 1 on the request line and headers, the body refused (413) when larger than the inspected limit,
 * then phase 2 and the verdict. Engine-level, so thousands of requests take seconds.
 */
final class WafReplay {

  /** What happened to one request. */
  record Verdict(boolean blocked, String reason, List<Integer> ruleIds, List<String> matched) {
  }

  private final InlineWaf waf;

  WafReplay(InlineWaf waf) {
    this.waf = waf;
  }

  /** A WAF in {@code on} mode with these {@code waf.rules} entries and paranoia level (0: the rules decide). */
  static WafReplay of(List<String> rules, int paranoiaLevel) throws WafConfigException {
    return new WafReplay(InlineWaf.load(new WafConfig(WafConfig.Mode.ON, rules, paranoiaLevel, 131_072, null, 100_000)));
  }

  Verdict run(WafRequest request) {
    Transaction tx = waf.begin(new WafRequest(request.method(), request.uri(), request.protocol(), request.headers(),
        null, request.remoteAddr()));
    tx.processRequestHeaders();
    if (waf.outcome(tx) == InlineWaf.Outcome.BLOCKED) {
      return new Verdict(true, "phase 1", ids(tx), matched(tx));
    }
    if (request.body().length > waf.requestBodyLimit()) {
      return new Verdict(true, "body over the inspected limit (413)", List.of(), List.of());
    }
    if (request.body().length > 0) {
      tx.attachRequestBody(request.body());
    }
    tx.processRequestBody();
    boolean blocked = waf.outcome(tx) == InlineWaf.Outcome.BLOCKED;
    return new Verdict(blocked, blocked ? "phase 2" : "pass", ids(tx), matched(tx));
  }

  /** Rule id and the names (never values) of the variables it matched, for diagnostics. */
  private static List<String> matched(Transaction tx) {
    List<String> out = new ArrayList<>();
    for (MatchedRule m : tx.matchedRules()) {
      if (m.logged() && m.id() != 0 && !m.matchedVars().isEmpty()) {
        out.add(m.id() + "@" + String.join(",", m.matchedVars()));
      }
    }
    return out;
  }

  private static List<Integer> ids(Transaction tx) {
    List<Integer> ids = new ArrayList<>();
    for (MatchedRule m : tx.matchedRules()) {
      if (m.logged() && m.id() != 0 && !ids.contains(m.id())) {
        ids.add(m.id());
      }
    }
    return ids;
  }

  /** Detection (attacks blocked) and false positives (legitimate requests blocked) per category. */
  static final class Tally {
    private final Map<String, int[]> attacks = new TreeMap<>();
    private final Map<String, int[]> benign = new TreeMap<>();
    final List<String> falsePositives = new ArrayList<>();
    final List<String> misses = new ArrayList<>();

    void add(WafSample s, Verdict v) {
      int[] counts = (s.attack() ? attacks : benign).computeIfAbsent(s.category(), k -> new int[2]);
      counts[0]++;
      if (v.blocked()) {
        counts[1]++;
      }
      if (v.blocked() != s.attack()) {
        String line = s.id() + " " + v.ruleIds() + " " + v.matched() + " " + s.request().method() + " " + abbreviate(s.request().uri());
        (s.attack() ? misses : falsePositives).add(line);
      }
    }

    Map<String, int[]> attacks() {
      return attacks;
    }

    Map<String, int[]> benign() {
      return benign;
    }

    static double rate(Map<String, int[]> byCategory) {
      int total = 0;
      int blocked = 0;
      for (int[] c : byCategory.values()) {
        total += c[0];
        blocked += c[1];
      }
      return total == 0 ? 0 : (double) blocked / total;
    }

    /** A Markdown table: category, requests, blocked, rate. */
    static String table(String title, Map<String, int[]> byCategory) {
      StringBuilder out = new StringBuilder("| " + title + " | requests | blocked | rate |\n| --- | --- | --- | --- |\n");
      int total = 0;
      int blocked = 0;
      for (Map.Entry<String, int[]> e : byCategory.entrySet()) {
        int[] c = e.getValue();
        out.append(String.format(java.util.Locale.ROOT, "| %s | %d | %d | %.1f%% |%n", e.getKey(), c[0], c[1],
            100.0 * c[1] / c[0]));
        total += c[0];
        blocked += c[1];
      }
      out.append(String.format(java.util.Locale.ROOT, "| **all** | %d | %d | %.1f%% |%n", total, blocked,
          total == 0 ? 0 : 100.0 * blocked / total));
      return out.toString();
    }

    private static String abbreviate(String s) {
      return s.length() > 140 ? s.substring(0, 140) + "..." : s;
    }
  }
}
