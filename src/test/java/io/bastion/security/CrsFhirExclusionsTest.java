package io.bastion.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.security.waf.WafCorpus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OWASP CRS (../shared/waf-corpus/coreruleset) in front of /fhir, at paranoia levels 1 and 2: with
 * Bastion's FHIR exclusions ({@code builtin:crs-fhir-before}) it blocks none of the legitimate
 * FHIR traffic of {@link FhirBenignTraffic}; the baseline without them (FHIR methods, media types and JSON
 * parsing allowed, as a careful ModSecurity operator would) is measured next to it, as is the detection rate
 * on gotestwaf with and without, and with {@code builtin:extras}. Prints the tables for docs/benchmarks.md.
 */
class CrsFhirExclusionsTest {

  private static List<WafSample> fhir;
  private static List<WafSample> gotestwaf;

  @BeforeAll
  static void load() throws Exception {
    WafCorpus.dir();
    fhir = FhirBenignTraffic.build(BuiltinRulesCorpusTest.projectDir(), BuiltinRulesCorpusTest.SEEDS,
        BuiltinRulesCorpusTest.PATIENTS_PER_SEED);
    gotestwaf = GotestwafCorpus.load();
  }

  static List<String> crs(boolean exclusions, boolean extras) {
    Path crs = WafCorpus.crsDir();
    List<String> rules = new ArrayList<>();
    rules.add(crs.resolve("crs-setup.conf.example").toString());
    if (exclusions) {
      rules.add("builtin:crs-fhir-before");
    } else {
      rules.add(BuiltinRulesCorpusTest.projectDir().resolve("src/test/resources/waf/crs-fhir-baseline.conf").toString());
    }
    rules.add(crs.resolve("rules/*.conf").toString());
    if (extras) {
      rules.add("builtin:extras");
    }
    return rules;
  }

  @Test
  void paranoiaLevelOneWithExclusionsBlocksNoLegitimateFhirRequest() throws Exception {
    assertNoFalsePositives(1);
  }

  @Test
  void paranoiaLevelTwoWithExclusionsBlocksNoLegitimateFhirRequest() throws Exception {
    assertNoFalsePositives(2);
  }

  private static void assertNoFalsePositives(int pl) throws Exception {
    WafReplay.Tally with = replay(WafReplay.of(crs(true, false), pl), fhir);
    WafReplay.Tally without = replay(WafReplay.of(crs(false, false), pl), fhir);
    System.out.println("CRS PL" + pl + ", FHIR benign traffic, without Bastion's exclusions:\n"
        + WafReplay.Tally.table("traffic", without.benign()) + "rules: " + ruleCounts(without.falsePositives));
    System.out.println("CRS PL" + pl + ", FHIR benign traffic, with Bastion's exclusions:\n"
        + WafReplay.Tally.table("traffic", with.benign()));
    with.falsePositives.forEach(f -> System.out.println("PL" + pl + " with exclusions blocked: " + f));
    assertEquals(List.of(), with.falsePositives);
    assertTrue(WafReplay.Tally.rate(without.benign()) > 0.5, "the baseline is what the exclusions are for");
  }

  @Test
  void detectionWithAndWithoutExclusionsAndWithExtras() throws Exception {
    Map<String, Map<String, int[]>> columns = new java.util.LinkedHashMap<>();
    StringBuilder falsePositives = new StringBuilder("| gotestwaf benign texts blocked |");
    for (int pl = 1; pl <= 2; pl++) {
      for (int variant = 0; variant < 3; variant++) {
        String name = "PL" + pl + (variant == 0 ? " without" : variant == 1 ? " with exclusions" : " with exclusions + extras");
        WafReplay.Tally tally = replay(WafReplay.of(crs(variant > 0, variant == 2), pl), gotestwaf);
        columns.put(name, tally.attacks());
        int[] benign = tally.benign().get("benign-text");
        falsePositives.append(' ').append(benign[1]).append('/').append(benign[0]).append(" |");
      }
    }
    System.out.println("CRS detection on gotestwaf attacks (blocked / requests):\n" + side(columns) + falsePositives);
    Map<String, int[]> plain = columns.get("PL1 with exclusions");
    Map<String, int[]> extras = columns.get("PL1 with exclusions + extras");
    assertTrue(WafReplay.Tally.rate(extras) > WafReplay.Tally.rate(plain), "extras add detection");
    for (String gap : List.of("xxe", "nosqli")) {
      assertTrue(extras.get(gap)[1] > plain.get(gap)[1], gap + ": extras must add to the CRS");
    }
  }

  private static WafReplay.Tally replay(WafReplay waf, List<WafSample> samples) {
    WafReplay.Tally tally = new WafReplay.Tally();
    for (WafSample s : samples) {
      tally.add(s, waf.run(s.request()));
    }
    return tally;
  }

  /** How often each rule id appears among blocked requests (the "why" of a baseline's false positives). */
  private static Map<String, Integer> ruleCounts(List<String> lines) {
    Map<String, Integer> counts = new TreeMap<>();
    for (String line : lines) {
      int open = line.indexOf('[');
      int close = line.indexOf(']');
      for (String id : line.substring(open + 1, close).split(",\\s*")) {
        if (!id.isBlank()) {
          counts.merge(id.trim(), 1, Integer::sum);
        }
      }
    }
    return counts;
  }

  private static String side(Map<String, Map<String, int[]>> columns) {
    StringBuilder out = new StringBuilder("| class |");
    columns.keySet().forEach(k -> out.append(' ').append(k).append(" |"));
    out.append("\n| --- |").append(" --- |".repeat(columns.size())).append('\n');
    Map<String, int[]> first = columns.values().iterator().next();
    for (String cls : first.keySet()) {
      out.append("| ").append(cls).append(" |");
      for (Map<String, int[]> c : columns.values()) {
        out.append(' ').append(c.get(cls)[1]).append('/').append(c.get(cls)[0]).append(" |");
      }
      out.append('\n');
    }
    out.append("| **all** |");
    for (Map<String, int[]> c : columns.values()) {
      out.append(String.format(java.util.Locale.ROOT, " %.1f%% |", 100 * WafReplay.Tally.rate(c)));
    }
    return out.append('\n').toString();
  }
}
