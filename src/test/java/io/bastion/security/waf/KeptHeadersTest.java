package io.bastion.security.waf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.bastion.security.waf.parser.SecLangParser;
import io.bastion.security.waf.variables.KeyedValues;
import io.bastion.security.waf.variables.Variable;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeptHeadersTest {

  private static final String RULES = """
      SecRuleEngine On
      SecRule REQUEST_HEADERS "@rx (?i)<script" "id:10,phase:1,deny,status:403,t:none,t:urlDecodeUni,t:lowercase"
      SecRule REQUEST_HEADERS:X-Note "@contains drop table" "id:20,phase:2,deny,status:403,t:lowercase"
      SecRule REQUEST_HEADERS_NAMES "@streq x-evil" "id:30,phase:2,deny,status:403,t:lowercase"
      """;

  private static WafEngine engine() throws WafConfigException {
    return new WafEngine(SecLangParser.standard().parseText(Path.of("t.conf"), RULES).compile());
  }

  /** A new String per header, as Vert.x gives each request. */
  private static Transaction begin(WafEngine e, String... headers) {
    WafRequest.Header[] list = new WafRequest.Header[headers.length / 2];
    for (int i = 0; i < list.length; i++) {
      list[i] = new WafRequest.Header(new String(headers[2 * i]), new String(headers[2 * i + 1]));
    }
    return e.newTransaction(new WafRequest("GET", "/fhir/Patient/1", "HTTP/1.1", List.of(list), null, "10.0.0.1"));
  }

  private static List<KeyedValues.Entry> headers(Transaction tx) {
    return tx.collection(Variable.REQUEST_HEADERS).entries();
  }

  @Test
  void aRepeatedHeaderIsTheKeptMemberAndAChangedOneANewOne() throws Exception {
    WafEngine e = engine();
    Transaction first = begin(e, "Host", "a", "Authorization", "Bearer abc", "X-Note", "caf\u00e9");
    first.processRequest();
    Transaction second = begin(e, "Host", "a", "Authorization", "Bearer abd", "X-Note", "caf\u00e9");
    second.processRequest();
    assertSame(headers(first).get(0), headers(second).get(0));
    assertNotSame(headers(first).get(1), headers(second).get(1));
    assertEquals("Bearer abd", headers(second).get(1).value());
    assertSame(headers(first).get(2), headers(second).get(2));
    assertEquals("caf\u00c3\u00a9", headers(second).get(2).value()); // a byte string, as when it is made anew
    assertEquals("x-note", headers(second).get(2).lowerKey());
    assertNull(second.interruption());
  }

  @Test
  void transactionsInterleavedOnOneThreadEachInspectTheirOwnHeaders() throws Exception {
    WafEngine e = engine();
    Transaction attack = begin(e, "Host", "a", "X-Note", "x; DROP TABLE patient");
    Transaction benign = begin(e, "Host", "a", "X-Note", "fine");
    Transaction attackAgain = begin(e, "Host", "a", "X-Note", "x; DROP TABLE patient");
    benign.processRequest();
    attack.processRequest();
    attackAgain.processRequest();
    assertNull(benign.interruption());
    assertEquals(new Interruption(20, "deny", 403), attack.interruption());
    assertEquals(new Interruption(20, "deny", 403), attackAgain.interruption());
    // a kept value's memo holds its transformed forms: the same verdict when its form is already computed
    Transaction script = begin(e, "Host", "a", "X-Note", "%3Cscript%3E");
    script.processRequest();
    Transaction scriptAgain = begin(e, "Host", "a", "X-Note", "%3Cscript%3E");
    scriptAgain.processRequest();
    assertEquals(new Interruption(10, "deny", 403), script.interruption());
    assertEquals(new Interruption(10, "deny", 403), scriptAgain.interruption());
    Transaction names = begin(e, "Host", "a", "X-Evil", "1");
    names.processRequest();
    assertEquals(Set.of(30), names.loggedRuleIds());
  }

  @Test
  void headersBeyondTheKeptOnesAreInspectedAsBefore() throws Exception {
    WafEngine e = engine();
    String[] many = new String[2 * (KeptHeaders.MAX_HEADERS + 1)];
    for (int i = 0; i < KeptHeaders.MAX_HEADERS; i++) {
      many[2 * i] = "X-H" + i;
      many[2 * i + 1] = "v";
    }
    many[2 * KeptHeaders.MAX_HEADERS] = "X-Note";
    many[2 * KeptHeaders.MAX_HEADERS + 1] = "drop table";
    for (int round = 0; round < 2; round++) {
      Transaction tx = begin(e, many);
      tx.processRequest();
      assertEquals(new Interruption(20, "deny", 403), tx.interruption());
      Transaction longValue = begin(e, "Host", "a", "X-Note", "a".repeat(KeptHeaders.MAX_CHARS) + " drop table");
      longValue.processRequest();
      assertEquals(new Interruption(20, "deny", 403), longValue.interruption());
      assertNotSame(headers(longValue).get(1), headers(begin(e, "Host", "a", "X-Note",
          "a".repeat(KeptHeaders.MAX_CHARS) + " drop table")).get(1));
    }
  }
}
