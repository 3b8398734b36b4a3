package io.bastion.security.waf.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bastion.security.waf.Rule;
import io.bastion.security.waf.RuleSet;
import io.bastion.security.waf.WafConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecLangParserTest {

  private static RuleSet parse(String text) throws WafConfigException {
    return SecLangParser.standard().parseText(Path.of("test.conf"), text).compile();
  }

  @Test
  void joinsContinuationLinesAndUnquotesArgumentsLikeTheCrsFiles() throws Exception {
    RuleSet rs = parse("""
        # a comment
        SecRule ARGS|!ARGS:foo "@rx a\\"b\\d" \\
            "id:10,\\
            phase:1,\\
            msg:'it\\'s, fine',\\
            t:none,t:lowercase,\\
            pass"
        """);
    Rule r = rs.phase(1).get(0);
    assertEquals(10, r.id());
    assertEquals("rx", r.operatorName());
    assertEquals(1, r.transformations().length);
    assertEquals(1, r.targets().exclusions().size());
    assertEquals("it's, fine", r.msg().toString());
  }

  @Test
  void directiveReaderKeepsBackslashesExceptBeforeTheQuote() {
    List<String> problems = new ArrayList<>();
    List<Directive> ds = DirectiveReader.read(Path.of("x.conf"), "SecRule ARGS \"@rx \\d+\\\"\\x5c\" \"id:1\"\n",
        problems);
    assertEquals("@rx \\d+\"\\x5c", ds.get(0).args().get(1));
    assertTrue(problems.isEmpty());
  }

  @Test
  void errorsNameFileAndLineAndAreAllListed() {
    WafConfigException e = assertThrows(WafConfigException.class, () -> parse("""
        SecRule ARGS "@rx ok" "id:1,pass"

        SecRule NOPE "@rx x" "id:2,pass"
        SecRule ARGS "@nosuchop x" "id:3,pass"
        SecRule ARGS "@rx (" "id:4,pass"
        SecRule ARGS "@rx x" "id:5,frobnicate"
        """));
    assertEquals(4, e.problems().size(), e.problems().toString());
    assertTrue(e.problems().get(0).startsWith("test.conf:3: "), e.problems().get(0));
    assertTrue(e.problems().get(1).startsWith("test.conf:4: "));
    assertTrue(e.problems().get(3).contains("frobnicate"));
  }

  @Test
  void unsupportedDirectivesAreWarningsWithLocation() throws Exception {
    RuleSet rs = parse("SecAuditLog /var/log/x\nSecRuleEngine DetectionOnly\n");
    assertEquals(List.of("test.conf:1: directive SecAuditLog is not applied by Bastion"), rs.warnings());
    assertEquals(io.bastion.security.waf.EngineMode.DETECTION_ONLY, rs.mode());
  }

  @Test
  void chainsLinkToTheirStarterAndInheritPhase() throws Exception {
    RuleSet rs = parse("""
        SecRule ARGS "@rx a" "id:1,phase:1,deny,chain"
            SecRule ARGS "@rx b" "chain"
                SecRule ARGS "@rx c" "setvar:tx.x=1"
        SecMarker END
        """);
    Rule r = rs.phase(1).get(0);
    assertEquals(Rule.Disruptive.DENY, r.disruptive());
    assertEquals(1, r.chained().chained().phase());
    assertEquals("END", rs.phase(1).get(1).marker());
    assertEquals("END", rs.phase(2).get(0).marker());
  }

  @Test
  void removeAndUpdateDirectivesApplyToTheirRules() throws Exception {
    RuleSet rs = parse("""
        SecRule ARGS "@rx a" "id:1,phase:1,pass,tag:'attack-sqli'"
        SecRule ARGS "@rx a" "id:2,phase:1,pass,tag:'attack-xss'"
        SecRule ARGS "@rx a" "id:3,phase:1,pass"
        SecRule ARGS "@rx a" "id:4,phase:1,pass"
        SecRuleRemoveById 1
        SecRuleRemoveByTag attack-xss
        SecRuleUpdateTargetById 3 "!ARGS:password"
        """);
    assertEquals(List.of(3, 4), rs.phase(1).stream().map(Rule::id).toList());
    assertEquals(1, rs.phase(1).get(0).targets().exclusions().size());
  }

  @Test
  void defaultActionsApplyPerPhase() throws Exception {
    RuleSet rs = parse("""
        SecDefaultAction "phase:2,nolog,deny,status:418,t:lowercase"
        SecRule ARGS "@rx a" "id:1,phase:2,block"
        SecRule ARGS "@rx a" "id:2,phase:2,t:none,log"
        """);
    Rule r1 = rs.phase(2).get(0);
    Rule r2 = rs.phase(2).get(1);
    assertEquals(Rule.Disruptive.DENY, r1.disruptive());
    assertEquals(418, r1.status());
    assertEquals(false, r1.log());
    assertEquals(1, r1.transformations().length);
    assertEquals(0, r2.transformations().length);
    assertEquals(true, r2.log());
  }

  @Test
  void includeExpandsGlobsRelativeToTheIncludingFile(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("rules"));
    Files.writeString(dir.resolve("rules/b.conf"), "SecRule ARGS \"@rx b\" \"id:2,phase:1,pass\"\n");
    Files.writeString(dir.resolve("rules/a.conf"), "SecRule ARGS \"@rx a\" \"id:1,phase:1,pass\"\n");
    Files.writeString(dir.resolve("main.conf"), "Include rules/*.conf\n");
    RuleSet rs = SecLangParser.standard().parseFile(dir.resolve("main.conf")).compile();
    assertEquals(List.of(1, 2), rs.phase(1).stream().map(Rule::id).toList());
  }
}
