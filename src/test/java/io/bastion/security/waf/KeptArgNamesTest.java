package io.bastion.security.waf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.bastion.security.waf.parser.SecLangParser;
import io.bastion.security.waf.variables.KeyedValues;
import io.bastion.security.waf.variables.Variable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeptArgNamesTest {

  private static final String RULES = """
      SecRuleEngine On
      SecRequestBodyAccess On
      SecRule REQUEST_HEADERS:Content-Type "@rx ^application/json" \
          "id:1,phase:1,pass,nolog,t:none,t:lowercase,ctl:requestBodyProcessor=JSON"
      SecRule ARGS_NAMES "@rx (?i)<script" "id:10,phase:2,deny,status:403,t:none,t:urlDecodeUni,t:lowercase"
      SecRule ARGS "@contains drop table" "id:20,phase:2,deny,status:403,t:lowercase"
      SecRule ARGS_NAMES "@streq json.evil" "id:30,phase:2,pass,log,t:lowercase"
      """;

  private static WafEngine engine() throws WafConfigException {
    return new WafEngine(SecLangParser.standard().parseText(Path.of("t.conf"), RULES).compile());
  }

  private static Transaction post(WafEngine e, String json) {
    Transaction tx = e.newTransaction(new WafRequest("POST", "/fhir/Patient", "HTTP/1.1",
        List.of(new WafRequest.Header("Content-Type", "application/json")), json.getBytes(StandardCharsets.UTF_8),
        "10.0.0.1"));
    tx.processRequest();
    return tx;
  }

  private static List<KeyedValues.Entry> args(Transaction tx) {
    return tx.collection(Variable.ARGS).entries();
  }

  @Test
  void aRepeatedNameIsTheKeptOneAndItsValueTheNewBodys() throws Exception {
    WafEngine e = engine();
    Transaction first = post(e, "{\"Name\":{\"family\":\"Kelly\"},\"gender\":\"female\"}");
    Transaction second = post(e, "{\"Name\":{\"family\":\"Byrne\"},\"gender\":\"male\"}");
    assertSame(args(first).get(0).key(), args(second).get(0).key());
    assertEquals("json.Name.family", args(second).get(0).key());
    assertEquals("json.name.family", args(second).get(0).lowerKey());
    assertEquals("Byrne", args(second).get(0).value());
    assertEquals("male", args(second).get(1).value());
    assertSame(args(second).get(0), tx(second, Variable.ARGS_POST).get(0)); // one member in ARGS and ARGS_POST
    assertNull(second.interruption());
  }

  @Test
  void aKeptNameIsInspectedAsANewOneWouldBe() throws Exception {
    WafEngine e = engine();
    for (int round = 0; round < 3; round++) {
      assertEquals(new Interruption(10, "deny", 403), post(e, "{\"a%3Cscript%3E\":1}").interruption());
      assertNull(post(e, "{\"a\":\"%3Cscript%3E\"}").interruption());
      assertEquals(Set.of(30), post(e, "{\"EVIL\":\"x\"}").loggedRuleIds());
      assertEquals(new Interruption(20, "deny", 403), post(e, "{\"EVIL\":\"x; DROP TABLE patient\"}").interruption());
    }
  }

  @Test
  void longNamesAreNotKeptAndAFullTableStartsAgain() throws Exception {
    WafEngine e = engine();
    String longName = "n".repeat(KeptArgNames.MAX_CHARS) + "%3Cscript%3E";
    Transaction first = post(e, "{\"" + longName + "\":1}");
    Transaction second = post(e, "{\"" + longName + "\":1}");
    assertEquals(new Interruption(10, "deny", 403), first.interruption());
    assertEquals(new Interruption(10, "deny", 403), second.interruption());
    assertNotSame(args(first).get(0).key(), args(second).get(0).key());
    StringBuilder many = new StringBuilder("{");
    for (int i = 0; i <= KeptArgNames.MAX_NAMES; i++) {
      many.append("\"k").append(i).append("\":1,");
    }
    many.append("\"x<script\":1}");
    for (int round = 0; round < 2; round++) {
      Transaction tx = post(e, many.toString());
      assertEquals(new Interruption(10, "deny", 403), tx.interruption());
      assertEquals(KeptArgNames.MAX_NAMES + 2, args(tx).size());
    }
  }

  private static List<KeyedValues.Entry> tx(Transaction tx, Variable v) {
    return tx.collection(v).entries();
  }
}
