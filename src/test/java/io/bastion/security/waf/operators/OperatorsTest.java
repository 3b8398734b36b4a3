package io.bastion.security.waf.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.bastion.security.waf.variables.KeyedValues;
import io.bastion.security.waf.variables.Variable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Table-driven: operator, argument, input, expected verdict. */
class OperatorsTest {

  private static final Operators REGISTRY = Operators.standard();

  /** A context with TX:methods = "GET POST" for macro arguments. */
  static class Ctx implements MatchContext {
    final KeyedValues tx = new KeyedValues();
    final List<String> captures = new ArrayList<>();
    boolean capture;
    boolean budgetHit;

    Ctx() {
      tx.set("methods", "GET POST");
      tx.set("limit", "10");
    }

    @Override
    public KeyedValues collection(Variable v) {
      return v == Variable.TX ? tx : null;
    }

    @Override
    public String scalar(Variable v) {
      return null;
    }

    @Override
    public boolean capturing() {
      return capture;
    }

    @Override
    public void capture(int index, String value) {
      captures.add(index + "=" + value);
    }

    @Override
    public void regexBudgetExceeded(String ruleContext) {
      budgetHit = true;
    }
  }

  static Operator op(String name, String arg) {
    OperatorFactory f = REGISTRY.get(name);
    assertNotNull(f, name);
    return f.create(arg, new OperatorFactory.Environment(Path.of("."), w -> { }));
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("rx", "(?i)union\\s+select", "1 UNION  SELECT 2", true),
        Arguments.of("rx", "^abc$", "xabc", false),
        Arguments.of("rx", "a.b", "a\nb", true),
        Arguments.of("rx", "[[:digit:]]+x", "12x", true),
        Arguments.of("rx", "[a[]", "[", true),
        Arguments.of("rx", "a{", "a{", true),
        Arguments.of("rx", "\\x{e2}\\x80", "\u00e2\u0080", true),
        Arguments.of("rx", "(?|(a)|(b))c", "bc", true),
        Arguments.of("pm", "select union", "xxUNIONxx", true),
        Arguments.of("pm", "select union", "nothing", false),
        Arguments.of("streq", "abc", "abc", true),
        Arguments.of("streq", "abc", "ABC", false),
        Arguments.of("beginsWith", "/admin", "/admin/x", true),
        Arguments.of("endsWith", ".php", "index.php", true),
        Arguments.of("contains", "etc/passwd", "../../etc/passwd", true),
        Arguments.of("containsWord", "select", "a select b", true),
        Arguments.of("containsWord", "select", "selection", false),
        Arguments.of("within", "%{tx.methods}", "POST", true),
        Arguments.of("within", "%{tx.methods}", "PUT", false),
        Arguments.of("eq", "0", "0", true),
        Arguments.of("eq", "0", "abc", true),
        Arguments.of("gt", "%{tx.limit}", "11", true),
        Arguments.of("ge", "5", "5", true),
        Arguments.of("lt", "5", "5", false),
        Arguments.of("le", "5", "-1", true),
        Arguments.of("ipMatch", "10.0.0.0/8,192.168.1.1,2001:db8::/32", "10.1.2.3", true),
        Arguments.of("ipMatch", "10.0.0.0/8,192.168.1.1,2001:db8::/32", "192.168.1.2", false),
        Arguments.of("ipMatch", "10.0.0.0/8,192.168.1.1,2001:db8::/32", "2001:db8::1", true),
        Arguments.of("validateByteRange", "32-126", "hello", false),
        Arguments.of("validateByteRange", "32-126", "a\tb", true),
        Arguments.of("validateByteRange", "9,10,13,32-126", "a\tb", false),
        Arguments.of("validateUrlEncoding", "", "a%20b", false),
        Arguments.of("validateUrlEncoding", "", "a%2xb", true),
        Arguments.of("validateUrlEncoding", "", "a%2", true),
        Arguments.of("validateUtf8Encoding", "", "caf\u00c3\u00a9", false),
        Arguments.of("validateUtf8Encoding", "", "caf\u00e9", true),
        Arguments.of("validateUtf8Encoding", "", "\u00c0\u00af", true),
        Arguments.of("unconditionalMatch", "", "", true),
        Arguments.of("noMatch", "", "x", false),
        Arguments.of("detectSQLi", "", "1' OR '1'='1", true),
        Arguments.of("detectSQLi", "", "1 union select password from users", true),
        Arguments.of("detectSQLi", "", "admin'--", true),
        Arguments.of("detectSQLi", "", "1; DROP TABLE patients", true),
        Arguments.of("detectSQLi", "", "Mary O'Brien", false),
        Arguments.of("detectSQLi", "", "sleep(20)", true),
        Arguments.of("detectSQLi", "", "foo')waitfor delay'5:0:20'--", true),
        Arguments.of("detectSQLi", "", "/post/foo/24 union all select 1,2,3 from aa/bar", false),
        Arguments.of("detectSQLi", "", "take 1 or 2 tablets daily", false),
        Arguments.of("detectSQLi", "", "O'Brien's note: drop by at 5", false),
        Arguments.of("detectSQLi", "", "please select a date from the list", false),
        Arguments.of("detectXSS", "", "<script>alert(1)</script>", true),
        Arguments.of("detectXSS", "", "\" onmouseover=alert(1) x=\"", true),
        Arguments.of("detectXSS", "", "<a href=\"javascript:alert(1)\">", true),
        Arguments.of("detectXSS", "", "java&#x09;script:alert(1)", true),
        Arguments.of("detectXSS", "", "Patient is on lisinopril 10mg", false),
        Arguments.of("detectXSS", "", "a < b and c > d", false));
  }

  @ParameterizedTest(name = "@{0} {1} on {2} -> {3}")
  @MethodSource("cases")
  void evaluates(String name, String arg, String input, boolean expected) {
    assertEquals(expected, op(name, arg).matches(new Ctx(), input));
  }

  @org.junit.jupiter.api.Test
  void rxCapturesGroupsWhenAsked() {
    Ctx ctx = new Ctx();
    ctx.capture = true;
    op("rx", "(\\d+)-(\\d+)").matches(ctx, "id 12-34");
    assertEquals(List.of("0=12-34", "1=12", "2=34"), ctx.captures);
  }

  @org.junit.jupiter.api.Test
  void pmFromFileReadsPhrasesRelativeToTheRuleFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    java.nio.file.Files.writeString(dir.resolve("words.data"), "# comment\n\nnmap\nsqlmap\n");
    Operator pmf = REGISTRY.get("pmFromFile").create("words.data", new OperatorFactory.Environment(dir, w -> { }));
    assertEquals(true, pmf.matches(new Ctx(), "Mozilla sqlmap/1.0"));
    assertEquals(false, pmf.matches(new Ctx(), "Mozilla/5.0"));
  }
}
