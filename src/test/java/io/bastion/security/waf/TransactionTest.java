package io.bastion.security.waf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.security.waf.parser.SecLangParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TransactionTest {

  private static WafEngine engine(String rules) throws WafConfigException {
    return new WafEngine(SecLangParser.standard().parseText(Path.of("t.conf"), rules).compile());
  }

  private static Transaction run(WafEngine e, String method, String uri, String contentType, String body) {
    List<WafRequest.Header> headers = contentType == null ? List.of(new WafRequest.Header("Host", "x"))
        : List.of(new WafRequest.Header("Host", "x"), new WafRequest.Header("Content-Type", contentType));
    Transaction tx = e.newTransaction(new WafRequest(method, uri, "HTTP/1.1", headers,
        body == null ? null : body.getBytes(StandardCharsets.UTF_8), "10.0.0.1"));
    tx.processRequest();
    return tx;
  }

  @Test
  void denyInterruptsWhenOnButOnlyLogsInDetectionOnly() throws Exception {
    String rule = "SecRule ARGS:q \"@rx attack\" \"id:1,phase:1,deny,status:403\"\n";
    Transaction on = run(engine("SecRuleEngine On\n" + rule), "GET", "/?q=attack", null, null);
    assertEquals(new Interruption(1, "deny", 403), on.interruption());
    Transaction detect = run(engine("SecRuleEngine DetectionOnly\n" + rule), "GET", "/?q=attack", null, null);
    assertNull(detect.interruption());
    assertEquals(Set.of(1), detect.loggedRuleIds());
  }

  @Test
  void setvarWithMacrosCountsAndChainsSeeCaptures() throws Exception {
    WafEngine e = engine("""
        SecAction "id:1,phase:1,pass,nolog,setvar:tx.score=0,setvar:tx.crit=5"
        SecRule ARGS "@rx (\\d+)-(\\d+)" "id:2,phase:1,pass,capture,setvar:tx.score=+%{tx.crit},chain"
            SecRule TX:2 "@streq 34" "setvar:'tx.seen_%{tx.1}=%{MATCHED_VAR}'"
        SecRule &ARGS "@eq 2" "id:3,phase:1,pass,setvar:tx.score=-1"
        """);
    Transaction tx = run(e, "GET", "/?a=12-34&b=x", null, null);
    assertEquals("4", tx.tx("score"));
    assertEquals("34", tx.tx("seen_12"));
    assertEquals(Set.of(2, 3), tx.loggedRuleIds());
  }

  @Test
  void timeVariablesAreTheTransactionsStartInUtcFilledWhenARuleFirstReadsOne() throws Exception {
    WafEngine e = engine("""
        SecRule TIME_EPOCH "@rx ^(\\d+)$" "id:1,phase:1,pass,capture,setvar:tx.epoch=%{tx.1}"
        SecRule TIME_YEAR "@rx ^(\\d{4})$" "id:2,phase:2,pass,capture,setvar:tx.year=%{tx.1}"
        SecRule TIME "@rx ^\\d\\d:\\d\\d:\\d\\d$" "id:3,phase:2,pass"
        SecRule TIME_WDAY "@rx ^[0-6]$" "id:4,phase:2,pass"
        """);
    long before = System.currentTimeMillis() / 1000;
    Transaction tx = run(e, "GET", "/", null, null);
    long after = System.currentTimeMillis() / 1000;
    assertEquals(Set.of(1, 2, 3, 4), tx.loggedRuleIds());
    long epoch = Long.parseLong(tx.tx("epoch"));
    assertTrue(epoch >= before && epoch <= after, epoch + " not in [" + before + ", " + after + "]");
    assertEquals(Integer.toString(java.time.Instant.ofEpochSecond(epoch).atZone(java.time.ZoneOffset.UTC).getYear()),
        tx.tx("year"));
  }

  @Test
  void rulesPassedOverForTheirGroupsBytesStillMatchWhatLaterPhasesBring() throws Exception {
    // 1 and 3 read the same group; phase 1's ARGS hold no "<", phase 2's body args do. 2 reads nothing present
    // (no cookies); 4 and 5 are negated and count-free: no value means no match, a value is tested. 6 reads a
    // scalar of the group along with ARGS.
    WafEngine e = engine("""
        SecRequestBodyAccess On
        SecRule ARGS|REQUEST_COOKIES "@rx <script" "id:1,phase:1,pass"
        SecRule REQUEST_COOKIES|REQUEST_COOKIES_NAMES "!@rx ^$" "id:2,phase:2,pass"
        SecRule ARGS|REQUEST_COOKIES "@rx <script" "id:3,phase:2,pass"
        SecRule ARGS_POST "!@rx ^zz$" "id:4,phase:1,pass"
        SecRule ARGS_POST "!@rx ^zz$" "id:5,phase:2,pass"
        SecRule ARGS|REQUEST_FILENAME "@rx /pa\\.h" "id:6,phase:2,pass"
        """);
    Transaction tx = run(e, "POST", "/pa.h?q=1", "application/x-www-form-urlencoded", "b=%3Cscript%3E");
    assertEquals(Set.of(3, 5, 6), tx.loggedRuleIds());
    assertEquals(Set.of(), run(e, "GET", "/x?q=1", null, null).loggedRuleIds());
  }

  @Test
  void aFormOnlyOneRuleTestsIsCheckedByItsOwnLiteralsWithTheSameVerdicts() throws Exception {
    // t:cmdLine is tested by rule 1 alone, t:lowercase by rules 2 and 3: 1's forms are not scanned against the
    // rule set's index, its own automaton answers; 4 (multiMatch) tests raw forms (shared) and forms through two chains of its own.
    RuleSet rules = SecLangParser.standard().parseText(Path.of("t.conf"), """
        SecRule ARGS|REQUEST_HEADERS "@rx \\.\\./etc" "id:1,phase:1,pass,t:cmdLine"
        SecRule ARGS "@rx select" "id:2,phase:1,pass,t:lowercase"
        SecRule ARGS "@rx union" "id:3,phase:1,pass,t:lowercase"
        SecRule ARGS "@rx ^x\\.\\.y$" "id:4,phase:1,pass,t:removeNulls,t:cmdLine,multiMatch"
        SecRule ARGS "@rx zz" "id:5,phase:1,pass"
        """).compile();
    Rule cmdLine = rules.phase(1).get(0);
    assertTrue(!rules.sharedChain(cmdLine.chain().id()));
    assertTrue(rules.sharedChain(rules.phase(1).get(1).chain().id()));
    WafEngine e = new WafEngine(rules);
    assertEquals(Set.of(1, 2), run(e, "GET", "/?a=..%5E/E%22TC&b=SELECT", null, null).loggedRuleIds());
    assertEquals(Set.of(4), run(e, "GET", "/?a=X.%22.Y", null, null).loggedRuleIds());
    assertEquals(Set.of(3), run(e, "GET", "/?a=x..z&b=Union", null, null).loggedRuleIds());
  }

  /**
   * A rule tagged for a paranoia level above the one the set configures does not make a chain shared (the CRS skips
   * it); with no constant level set, every rule counts. The verdicts are the same either way: rule 2 (PL2) is
   * skipped at PL1 as the CRS skips it, and matches at PL2.
   */
  @Test
  void aChainSharedOnlyWithAHigherParanoiaLevelIsCheckedByItsOwnLiterals() throws Exception {
    String rules = """
        SecRule TX:detection_paranoia_level "@lt 2" "id:10,phase:1,pass,nolog,skipAfter:END-PL2"
        SecRule ARGS "@rx eval\\(" "id:2,phase:1,pass,t:base64Decode,tag:'paranoia-level/2'"
        SecMarker END-PL2
        SecRule ARGS "@rx while\\(" "id:1,phase:1,pass,t:base64Decode,tag:'paranoia-level/1'"
        """;
    String atPl1 = "SecAction \"id:9,phase:1,pass,nolog,setvar:tx.detection_paranoia_level=1\"\n";
    String atPl2 = "SecAction \"id:9,phase:1,pass,nolog,setvar:tx.detection_paranoia_level=2\"\n";
    RuleSet pl1 = SecLangParser.standard().parseText(Path.of("t.conf"), atPl1 + rules).compile();
    RuleSet pl2 = SecLangParser.standard().parseText(Path.of("t.conf"), atPl2 + rules).compile();
    RuleSet unset = SecLangParser.standard().parseText(Path.of("t.conf"), rules).compile();
    int base64 = pl1.phase(1).get(4).chain().id();
    assertTrue(!pl1.sharedChain(base64), "at PL1 only rule 1 tests base64-decoded forms");
    assertTrue(pl2.sharedChain(base64));
    assertTrue(unset.sharedChain(base64), "no level set: every rule may run");
    String attack = "/?a=" + java.util.Base64.getEncoder().encodeToString("while(eval(1))".getBytes());
    assertEquals(Set.of(1), run(new WafEngine(pl1), "GET", attack, null, null).loggedRuleIds());
    assertEquals(Set.of(1, 2), run(new WafEngine(pl2), "GET", attack, null, null).loggedRuleIds());
    assertEquals(Set.of(), run(new WafEngine(pl1), "GET", "/?a=while(eval(1))", null, null).loggedRuleIds());
  }

  /**
   * A selection's literal union through a chain that leaves every member's literals as they are (here t:lowercase
   * on values a case change cannot give new literals) is the members' own union; a chain that changes one member
   * (t:urlDecodeUni on "%3C") gets its own. Both rules' verdicts follow.
   */
  @Test
  void aUnionThroughAChainThatChangesNoLiteralIsTheMembersOwn() throws Exception {
    WafEngine e = engine("""
        SecRule ARGS "@rx <script" "id:1,phase:1,pass,t:lowercase"
        SecRule ARGS "@rx <script" "id:2,phase:1,pass,t:urlDecodeUni"
        SecRule ARGS "@rx <script" "id:3,phase:1,pass"
        SecRule ARGS "@rx ab" "id:4,phase:1,pass,t:lowercase"
        """);
    assertEquals(Set.of(2, 4), run(e, "GET", "/?a=%253Cscript&b=AB", null, null).loggedRuleIds());
    assertEquals(Set.of(1), run(e, "GET", "/?a=%3CSCRIPT&b=x", null, null).loggedRuleIds());
    assertEquals(Set.of(1, 2, 3), run(e, "GET", "/?a=%3Cscript&b=x", null, null).loggedRuleIds());
    assertEquals(Set.of(), run(e, "GET", "/?a=script&b=x", null, null).loggedRuleIds());
  }

  @Test
  void skipAfterJumpsToTheMarker() throws Exception {
    WafEngine e = engine("""
        SecRule REQUEST_METHOD "@streq GET" "id:1,phase:1,pass,nolog,skipAfter:END"
        SecRule ARGS "@unconditionalMatch" "id:2,phase:1,pass"
        SecMarker END
        SecRule ARGS "@unconditionalMatch" "id:3,phase:1,pass"
        """);
    assertEquals(Set.of(3), run(e, "GET", "/?a=1", null, null).loggedRuleIds());
    assertEquals(Set.of(2, 3), run(e, "POST", "/?a=1", null, null).loggedRuleIds());
  }

  @Test
  void exclusionsStaticAndRuntime() throws Exception {
    WafEngine e = engine("""
        SecRule REQUEST_FILENAME "@streq /login" "id:1,phase:1,pass,nolog,ctl:ruleRemoveTargetById=3;ARGS:pw"
        SecRule ARGS|!ARGS:note "@rx evil" "id:2,phase:2,pass"
        SecRule ARGS "@rx evil" "id:3,phase:2,pass"
        """);
    assertEquals(Set.of(3), run(e, "GET", "/x?note=evil", null, null).loggedRuleIds());
    assertEquals(Set.of(2), run(e, "GET", "/login?pw=evil", null, null).loggedRuleIds());
  }

  @Test
  void rulesSharingASelectionSeeItsCollectionChangeBetweenThem() throws Exception {
    // rules 2 and 4 read the same selection of TX; rule 3 changes TX between them
    WafEngine e = engine("""
        SecAction "id:1,phase:1,pass,nolog,setvar:tx.seen_a=1"
        SecRule TX:/^seen_/ "@eq 1" "id:2,phase:1,pass"
        SecAction "id:3,phase:1,pass,nolog,setvar:tx.seen_b=1,setvar:!tx.seen_a"
        SecRule TX:/^seen_/ "@eq 1" "id:4,phase:1,pass"
        SecRule TX:seen_b "@eq 1" "id:5,phase:1,pass"
        SecRule ARGS "@rx ." "id:6,phase:1,pass"
        SecRule ARGS "@rx ." "id:7,phase:2,pass"
        """);
    Transaction tx = run(e, "POST", "/?q=1", "application/x-www-form-urlencoded", "p=2");
    assertEquals(List.of("TX:seen_a"), matched(tx, 2).matchedVars());
    assertEquals(List.of("TX:seen_b"), matched(tx, 4).matchedVars());
    assertEquals(List.of("TX:seen_b"), matched(tx, 5).matchedVars());
    assertEquals(List.of("ARGS:q"), matched(tx, 6).matchedVars());
    assertEquals(List.of("ARGS:q", "ARGS:p"), matched(tx, 7).matchedVars()); // the body's argument came in between
  }

  @Test
  void runtimeExclusionsApplyToTheirRulesOnlyWhenSelectionsAreShared() throws Exception {
    WafEngine e = engine("""
        SecAction "id:1,phase:1,pass,nolog,ctl:ruleRemoveTargetById=3;ARGS:pw,ctl:ruleRemoveTargetByTag=t5;ARGS:a"
        SecRule ARGS "@rx evil" "id:2,phase:1,pass"
        SecRule ARGS "@rx evil" "id:3,phase:1,pass"
        SecRule ARGS "@rx evil" "id:4,phase:1,pass,tag:t4"
        SecRule ARGS "@rx evil" "id:5,phase:1,pass,tag:other,tag:t5"
        SecRule ARGS "@rx evil" "id:6,phase:1,pass,ctl:ruleRemoveByTag=t7"
        SecRule ARGS "@rx evil" "id:7,phase:1,pass,tag:t7"
        """);
    Transaction tx = run(e, "GET", "/?pw=evil&a=evil", null, null);
    assertEquals(List.of("ARGS:pw", "ARGS:a"), matched(tx, 2).matchedVars());
    assertEquals(List.of("ARGS:a"), matched(tx, 3).matchedVars());
    assertEquals(List.of("ARGS:pw", "ARGS:a"), matched(tx, 4).matchedVars());
    assertEquals(List.of("ARGS:pw"), matched(tx, 5).matchedVars());
    assertEquals(Set.of(2, 3, 4, 5, 6), tx.loggedRuleIds());
  }

  @Test
  void selectionsReadInPlaceKeepTargetOrderAndRuntimeExclusionsOfTheirVariable() throws Exception {
    // rule 3 mixes cached selections (ARGS, TX:/^v/) with a value collected on its own (REQUEST_URI); the
    // exclusion naming REQUEST_BODY leaves its ARGS in place, the one naming ARGS:b removes that member only
    WafEngine e = engine("""
        SecAction "id:1,phase:1,pass,nolog,setvar:tx.v1=evil,ctl:ruleRemoveTargetById=3;REQUEST_BODY"
        SecAction "id:2,phase:1,pass,nolog,ctl:ruleRemoveTargetById=4;ARGS:b"
        SecRule ARGS|REQUEST_URI|TX:/^v/ "@rx evil" "id:3,phase:1,pass,setvar:tx.v2=evil"
        SecRule ARGS|REQUEST_URI|TX:/^v/ "@rx evil" "id:4,phase:1,pass"
        """);
    Transaction tx = run(e, "GET", "/evil?a=evil&b=evil", null, null);
    // rule 3's own setvar does not add TX:v2 to what it already collected; rule 4 sees it
    assertEquals(List.of("ARGS:a", "ARGS:b", "REQUEST_URI", "TX:v1"), matched(tx, 3).matchedVars());
    assertEquals(List.of("ARGS:a", "REQUEST_URI", "TX:v1", "TX:v2"), matched(tx, 4).matchedVars());
  }

  @Test
  void runtimeExclusionsByKeyRegexFollowTheSelectionWhenItsCollectionChanges() throws Exception {
    // rules 3 and 4 lose TX:/^vb/; rule 3's setvar adds vb and vc, so rule 4 works on a refilled selection
    // whose verdicts must be worked out again (the excluded member is new, the kept one too)
    WafEngine e = engine("""
        SecAction "id:1,phase:1,pass,nolog,setvar:tx.va=evil,ctl:ruleRemoveTargetById=3;TX:/^vb/,ctl:ruleRemoveTargetById=4;TX:/^vb/"
        SecRule TX:/^v/ "@rx evil" "id:2,phase:1,pass"
        SecRule TX:/^v/ "@rx evil" "id:3,phase:1,pass,setvar:tx.vb=evil,setvar:tx.vc=evil"
        SecRule TX:/^v/ "@rx evil" "id:4,phase:1,pass"
        SecRule TX:/^v/ "@rx evil" "id:5,phase:1,pass"
        """);
    Transaction tx = run(e, "GET", "/", null, null);
    assertEquals(List.of("TX:va"), matched(tx, 2).matchedVars());
    assertEquals(List.of("TX:va"), matched(tx, 3).matchedVars());
    assertEquals(List.of("TX:va", "TX:vc"), matched(tx, 4).matchedVars());
    assertEquals(List.of("TX:va", "TX:vb", "TX:vc"), matched(tx, 5).matchedVars());
  }

  private static MatchedRule matched(Transaction tx, int id) {
    return tx.matchedRules().stream().filter(m -> m.id() == id).findFirst().orElseThrow();
  }

  @Test
  void jsonBodiesBecomeArgsNamedByPath() throws Exception {
    WafEngine e = engine("""
        SecRule REQUEST_HEADERS:Content-Type "@rx ^application/json" "id:1,phase:1,pass,nolog,ctl:requestBodyProcessor=JSON"
        SecRule ARGS:json.a.b.1 "@streq evil" "id:2,phase:2,pass"
        SecRule ARGS_NAMES "@streq json.meta.profile" "id:3,phase:2,pass"
        SecRule REQBODY_ERROR "!@eq 0" "id:4,phase:2,pass"
        """);
    Transaction ok = run(e, "POST", "/", "application/json", "{\"a\":{\"b\":[1,\"evil\"]},\"meta\":{\"tag\":[]}}");
    assertEquals(Set.of(2), ok.loggedRuleIds());
    // the name of an empty array is an argument of its own (empty value), visible to ARGS_NAMES
    Transaction empty = run(e, "POST", "/", "application/json", "{\"meta\":{\"profile\":[]}}");
    assertEquals(Set.of(3), empty.loggedRuleIds());
    Transaction broken = run(e, "POST", "/", "application/json", "{\"a\":");
    assertEquals(Set.of(4), broken.loggedRuleIds());
  }

  @Test
  void multipartFieldsAndFiles() throws Exception {
    WafEngine e = engine("""
        SecRule ARGS:field "@streq value" "id:1,phase:2,pass"
        SecRule FILES "@endsWith .php" "id:2,phase:2,pass"
        SecRule MULTIPART_STRICT_ERROR "!@eq 0" "id:3,phase:2,pass"
        SecRule MULTIPART_PART_HEADERS:upload "@rx ^content-type" "id:4,phase:2,pass,t:lowercase"
        """);
    String body = "--XX\r\nContent-Disposition: form-data; name=\"field\"\r\n\r\nvalue\r\n"
        + "--XX\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"shell.php\"\r\n"
        + "Content-Type: text/plain\r\n\r\n<?php ?>\r\n--XX--\r\n";
    Transaction tx = run(e, "POST", "/", "multipart/form-data; boundary=XX", body);
    assertEquals(Set.of(1, 2, 4), tx.loggedRuleIds());
  }

  @Test
  void urlEncodedBodyAndRequestBodyVariable() throws Exception {
    WafEngine e = engine("""
        SecRule ARGS_POST:a "@streq 1 2" "id:1,phase:2,pass"
        SecRule REQUEST_BODY "@contains a=1+2" "id:2,phase:2,pass"
        """);
    Transaction tx = run(e, "POST", "/", "application/x-www-form-urlencoded", "a=1+2");
    assertEquals(Set.of(1, 2), tx.loggedRuleIds());
  }

  @Test
  void aRuleThatThrowsIsSkippedAndRecorded() throws Exception {
    WafEngine e = engine("SecRule ARGS \"@rx a\" \"id:1,phase:1,pass\"\n");
    Transaction tx = run(e, "GET", "/?x=a", null, null);
    assertTrue(tx.errors().isEmpty());
    assertNotNull(tx.matchedRules().get(0).matchedVars());
    assertEquals(List.of("ARGS:x"), tx.matchedRules().get(0).matchedVars());
  }

  @Test
  void hostileValuesExhaustThePerRequestBudgetInBoundedTime() throws Exception {
    StringBuilder rules = new StringBuilder();
    // 20 repetitions: more than the whole-value automaton reads exactly (16), so the regex meets every value
    for (int i = 1; i <= 40; i++) {
      rules.append("SecRule ARGS \"@rx ^(.*a){20}$\" \"id:").append(i).append(",phase:1,pass\"\n");
    }
    WafEngine e = engine(rules.toString());
    String hostile = "a".repeat(30) + "!";
    StringBuilder query = new StringBuilder("/?");
    for (int i = 0; i < 20; i++) {
      query.append("p").append(i).append('=').append(hostile).append('&');
    }
    long t0 = System.nanoTime();
    Transaction tx = run(e, "GET", query.toString(), null, null);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(tx.evaluationBudgetExhausted());
    assertEquals("1", tx.tx("MSC_PCRE_LIMITS_EXCEEDED"));
    assertTrue(ms < 10_000, "took " + ms + " ms");
  }
}
