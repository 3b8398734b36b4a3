package io.bastion.security;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.security.waf.WafCorpus;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 4's targets for Bastion's own rules ({@code waf.rules: [builtin]}, on mode): at least 90% of the
 * gotestwaf attacks blocked, at most 0.5% of legitimate FHIR traffic ({@link FhirBenignTraffic}) blocked.
 * Prints the per-class tables recorded in docs/benchmarks.md, and every miss and false positive.
 */
class BuiltinRulesCorpusTest {

  static final long[] SEEDS = {1, 2, 3};
  static final int PATIENTS_PER_SEED = 8;

  static Path projectDir() {
    return Path.of(System.getProperty("bastion.project.dir", ".")).toAbsolutePath().normalize();
  }

  @Test
  void detectsNinetyPercentOfGotestwafWithAtMostHalfAPercentFalsePositivesOnFhirTraffic() throws Exception {
    WafCorpus.dir();
    WafReplay waf = WafReplay.of(List.of(BuiltinRules.DEFAULT), 0);
    WafReplay.Tally gotestwaf = new WafReplay.Tally();
    for (WafSample s : GotestwafCorpus.load()) {
      gotestwaf.add(s, waf.run(s.request()));
    }
    WafReplay.Tally fhir = new WafReplay.Tally();
    for (WafSample s : FhirBenignTraffic.build(projectDir(), SEEDS, PATIENTS_PER_SEED)) {
      fhir.add(s, waf.run(s.request()));
    }
    System.out.println("Builtin rules, gotestwaf attacks:\n" + WafReplay.Tally.table("class", gotestwaf.attacks()));
    System.out.println("Builtin rules, gotestwaf benign texts:\n" + WafReplay.Tally.table("class", gotestwaf.benign()));
    System.out.println("Builtin rules, FHIR benign traffic:\n" + WafReplay.Tally.table("traffic", fhir.benign()));
    gotestwaf.misses.forEach(m -> System.out.println("missed: " + m));
    gotestwaf.falsePositives.forEach(m -> System.out.println("gotestwaf benign blocked: " + m));
    fhir.falsePositives.forEach(m -> System.out.println("FHIR benign blocked: " + m));

    double detection = WafReplay.Tally.rate(gotestwaf.attacks());
    double falsePositives = WafReplay.Tally.rate(fhir.benign());
    assertTrue(detection >= 0.90, "detection " + detection);
    assertTrue(falsePositives <= 0.005, "false positives on FHIR traffic " + falsePositives + ": " + fhir.falsePositives);
  }
}
