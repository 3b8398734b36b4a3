package io.bastion.security.waf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs of TX-only rules ({@link TxSegment}) are passed over on a kept outcome only when evaluating them would do the
 * same: same TX inputs, no runtime removal touching them; rules that read anything else are never part of one.
 */
class TxSegmentTest {

  /** A GET of {@code uri}, with or without the kept outcomes; returns the transaction after phases 1 and 2. */
  private static Transaction get(WafEngine engine, String uri, boolean segments) {
    Transaction tx = engine.newTransaction(new WafRequest("GET", uri, "HTTP/1.1",
        List.of(new WafRequest.Header("Host", "h")), null, "10.0.0.1"));
    if (!segments) {
      tx.disableTxSegments();
    }
    tx.processRequest();
    return tx;
  }

  private static void assertSameAsEvaluated(WafEngine engine, String uri) {
    Transaction exact = get(engine, uri, false);
    Transaction kept = get(engine, uri, true);
    assertEquals(RepeatVerdictsCheck.of(exact), RepeatVerdictsCheck.of(kept), uri);
  }

  @Test
  void aKeptOutcomeIsAppliedAndEqualsTheRunItReplaces() throws Exception {
    WafEngine engine = RepeatVerdictsCheck.engine("""
        SecAction "id:1,phase:1,pass,nolog,setvar:tx.a=1,setvar:tx.score=0"
        SecAction "id:2,phase:1,pass,nolog,setvar:tx.b=2"
        SecRule TX:a "@eq 1" "id:3,phase:1,pass,log,msg:'a is %{tx.a}',setvar:tx.score=+%{tx.b},skipAfter:END"
        SecRule TX:b "@eq 2" "id:4,phase:1,pass,setvar:tx.never=1"
        SecMarker END
        SecRule TX:score "@ge 2" "id:5,phase:1,pass,setvar:!tx.b"
        SecRule REQUEST_URI "@contains x" "id:6,phase:1,pass,setvar:tx.uri=1"
        """);
    get(engine, "/x", true);
    Transaction kept = get(engine, "/x", true);
    assertEquals(1, kept.txSegmentsApplied());
    assertEquals(List.of(1, 2, 3, 5, 6), kept.matchedRules().stream().map(MatchedRule::id).toList());
    assertNull(kept.tx("never"));
    assertNull(kept.tx("b"));
    assertEquals("2", kept.tx("score"));
    assertSameAsEvaluated(engine, "/x");
  }

  @Test
  void aRuleReadingTheRequestEndsTheSegmentAndTheInputsDecide() throws Exception {
    WafEngine engine = RepeatVerdictsCheck.engine("""
        SecAction "id:1,phase:1,pass,nolog,setvar:tx.a=1"
        SecRule REQUEST_URI "@contains two" "id:2,phase:1,pass,nolog,setvar:tx.a=2"
        SecRule TX:a "@eq 1" "id:3,phase:1,pass,setvar:tx.one=1"
        SecRule TX:a "@eq 2" "id:4,phase:1,pass,setvar:tx.score=+5"
        """);
    assertEquals(1, engine.rules().txSegments(1)[0].end()); // rule 2 reads the request: the segment ends before it
    assertNull(engine.rules().txSegments(1)[1]);
    assertNotNull(engine.rules().txSegments(1)[2]);
    get(engine, "/one", true);
    Transaction two = get(engine, "/two", true);
    assertEquals(1, two.txSegmentsApplied()); // rule 1's; tx.a differs for rules 3 and 4: evaluated and recorded
    assertEquals("5", two.tx("score"));
    assertNull(two.tx("one"));
    assertEquals(2, get(engine, "/one", true).txSegmentsApplied());
    assertEquals(2, get(engine, "/two", true).txSegmentsApplied());
    assertSameAsEvaluated(engine, "/one");
    assertSameAsEvaluated(engine, "/two");
  }

  @Test
  void aRuleRemovedAtRuntimeIsNotPassedOverOnAKeptOutcome() throws Exception {
    WafEngine engine = RepeatVerdictsCheck.engine("""
        SecRule REQUEST_URI "@contains remove" "id:1,phase:1,pass,nolog,ctl:ruleRemoveById=11"
        SecRule REQUEST_URI "@contains target" "id:2,phase:1,pass,nolog,ctl:ruleRemoveTargetById=10;TX:a"
        SecAction "id:9,phase:1,pass,nolog,setvar:tx.a=1"
        SecRule TX:a "@eq 1" "id:10,phase:1,pass,setvar:tx.c=1"
        SecRule TX:a "@eq 1" "id:11,phase:1,pass,setvar:tx.d=1"
        """);
    get(engine, "/x", true);
    assertEquals(1, get(engine, "/x", true).txSegmentsApplied());
    Transaction removed = get(engine, "/remove", true);
    assertEquals("1", removed.tx("c"));
    assertNull(removed.tx("d"), "rule 11 was removed");
    assertEquals(0, removed.txSegmentsApplied());
    Transaction target = get(engine, "/target", true);
    assertNull(target.tx("c"), "rule 10's only target was removed");
    assertEquals("1", target.tx("d"));
    assertEquals(0, target.txSegmentsApplied());
    assertSameAsEvaluated(engine, "/remove");
    assertSameAsEvaluated(engine, "/target");
  }

  @Test
  void macrosOfTheRequestOrTimeKeyPatternsAndPersistentCollectionsAreNeverPartOfASegment() throws Exception {
    WafEngine engine = RepeatVerdictsCheck.engine("""
        SecAction "id:1,phase:1,pass,nolog,setvar:tx.a=1"
        SecAction "id:2,phase:1,pass,nolog,setvar:tx.ua=%{REQUEST_HEADERS.host}"
        SecAction "id:3,phase:1,pass,nolog,setvar:tx.a=1"
        SecAction "id:4,phase:1,pass,nolog,initcol:global=global"
        SecAction "id:5,phase:1,pass,nolog,setvar:tx.a=1"
        SecRule TX:a "@eq 1" "id:6,phase:1,pass,setvar:tx.t=%{TIME}"
        SecAction "id:7,phase:1,pass,nolog,setvar:tx.a=1"
        SecRule TX:/a/ "@eq 1" "id:8,phase:1,pass"
        SecAction "id:9,phase:1,pass,nolog,setvar:tx.a=1"
        SecAction "id:10,phase:1,pass,nolog,expirevar:tx.a=10"
        """);
    TxSegment[] segments = engine.rules().txSegments(1);
    for (int i = 0; i < segments.length; i += 2) {
      assertEquals(i + 1, segments[i].end(), "rule " + (i + 1) + " alone"); // each setvar of a constant alone
      assertNull(segments[i + 1], "rule " + (i + 2));
    }
  }

  @Test
  void aSegmentsCtlsRunAgainWhenItsOutcomeIsApplied() throws Exception {
    WafEngine engine = RepeatVerdictsCheck.engine("""
        SecAction "id:1,phase:1,pass,nolog,setvar:tx.fhir=1"
        SecRule TX:fhir "@eq 1" "id:2,phase:1,pass,nolog,ctl:ruleRemoveById=20,ctl:ruleRemoveTargetById=21;ARGS:a"
        SecRule TX:fhir "@eq 0" "id:3,phase:1,deny"
        SecRule ARGS "@contains x" "id:20,phase:2,pass,setvar:tx.twenty=1"
        SecRule ARGS "@contains x" "id:21,phase:2,pass,setvar:tx.twentyone=+1"
        """);
    get(engine, "/p?a=x&b=x", true);
    Transaction kept = get(engine, "/p?a=x&b=x", true);
    assertNull(kept.tx("twenty"));
    assertEquals("1", kept.tx("twentyone")); // b only
    assertEquals(1, kept.txSegmentsApplied());
    assertSameAsEvaluated(engine, "/p?a=x&b=x");
  }

  @Test
  void anOutcomeWhereADisruptiveRuleMatchedIsNotKept() throws Exception {
    WafEngine engine = RepeatVerdictsCheck.engine("""
        SecRuleEngine DetectionOnly
        SecRule REQUEST_URI "@contains on" "id:1,phase:1,pass,nolog,ctl:ruleEngine=On"
        SecAction "id:2,phase:1,pass,nolog,setvar:tx.a=1"
        SecRule TX:a "@eq 1" "id:3,phase:1,deny,status:403"
        """);
    assertNull(get(engine, "/x", true).interruption()); // detection only: rule 3 matches, blocks nothing
    Transaction on = get(engine, "/on", true);
    assertNotNull(on.interruption(), "rule 3 blocks once the engine is on");
    assertEquals(0, on.txSegmentsApplied());
  }

  @Test
  void aSegmentRecordedOverOneThatKeptAnOutcomeRecordsItsOwnRules() throws Exception {
    WafEngine engine = RepeatVerdictsCheck.engine("""
        SecRule REQUEST_URI "@contains skip" "id:1,phase:1,pass,nolog,skipAfter:MID"
        SecAction "id:2,phase:1,pass,nolog,setvar:tx.a=1"
        SecMarker MID
        SecRule &TX:fhir "@eq 0" "id:3,phase:1,pass,nolog,ctl:ruleRemoveById=20"
        SecRule ARGS "@contains x" "id:20,phase:2,pass,setvar:tx.twenty=1"
        """);
    get(engine, "/skip?q=x", true); // enters the run at MID: the segment from rule 3 keeps an outcome
    get(engine, "/plain?q=x", true); // the segment from rule 2 is recorded through rule 3, which must run
    Transaction plain = get(engine, "/plain?q=x", true);
    assertEquals(1, plain.txSegmentsApplied());
    assertNull(plain.tx("twenty"), "rule 20 was removed by rule 3's ctl");
    assertSameAsEvaluated(engine, "/plain?q=x");
  }
}
