package io.bastion.security.waf.operators;

import java.util.Map;
import java.util.TreeMap;

/**
 * The registry of operators by SecLang name (case-insensitive), each a factory that pre-compiles the
 * argument. Built once and passed to the parser.
 */
public final class Operators {

  private final Map<String, OperatorFactory> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

  private Operators() {
  }

  public static Operators standard() {
    return standard(true);
  }

  /**
   * The standard set; {@code regexPrefilter=false} disables the required-literal shortcut of @rx and @detectXSS and
   * the required bytes of @validateByteRange and @validateUtf8Encoding (every value is then tested).
   */
  public static Operators standard(boolean regexPrefilter) {
    Operators o = new Operators();
    o.byName.put("rx", (a, env) -> new Rx(a, regexPrefilter, env.literals()));
    o.byName.put("pm", (a, env) -> Pm.ofPhrases(a));
    o.byName.put("pmf", Pm::fromFiles);
    o.byName.put("pmFromFile", Pm::fromFiles);
    o.byName.put("streq", (a, env) -> StringCompare.streq(a));
    o.byName.put("beginsWith", (a, env) -> StringCompare.beginsWith(a));
    o.byName.put("endsWith", (a, env) -> StringCompare.endsWith(a));
    o.byName.put("contains", (a, env) -> StringCompare.contains(a));
    o.byName.put("within", (a, env) -> StringCompare.within(a));
    o.byName.put("containsWord", (a, env) -> new ContainsWord(a));
    o.byName.put("strmatch", (a, env) -> new StrMatch(a));
    o.byName.put("eq", (a, env) -> new NumericCompare(a, NumericCompare.Kind.EQ));
    o.byName.put("ge", (a, env) -> new NumericCompare(a, NumericCompare.Kind.GE));
    o.byName.put("gt", (a, env) -> new NumericCompare(a, NumericCompare.Kind.GT));
    o.byName.put("le", (a, env) -> new NumericCompare(a, NumericCompare.Kind.LE));
    o.byName.put("lt", (a, env) -> new NumericCompare(a, NumericCompare.Kind.LT));
    o.byName.put("ipMatch", (a, env) -> IpMatch.of(a));
    o.byName.put("ipMatchF", IpMatch::fromFile);
    o.byName.put("ipMatchFromFile", IpMatch::fromFile);
    o.byName.put("validateByteRange", (a, env) -> new ValidateByteRange(a, regexPrefilter));
    o.byName.put("validateUrlEncoding", (a, env) -> new ValidateUrlEncoding());
    o.byName.put("validateUtf8Encoding", (a, env) -> new ValidateUtf8Encoding(regexPrefilter));
    o.byName.put("detectSQLi", (a, env) -> new DetectSqli());
    o.byName.put("detectXSS", (a, env) -> new DetectXss(regexPrefilter));
    o.byName.put("unconditionalMatch", (a, env) -> Constant.ALWAYS);
    o.byName.put("noMatch", (a, env) -> Constant.NEVER);
    OperatorFactory unsupported = (a, env) -> {
      env.warnings().accept("operator not supported by Bastion, never matches");
      return Constant.NEVER;
    };
    o.byName.put("rbl", unsupported);
    o.byName.put("geoLookup", unsupported);
    o.byName.put("inspectFile", unsupported);
    o.byName.put("fuzzyHash", unsupported);
    o.byName.put("verifyCC", unsupported);
    o.byName.put("verifyCPF", unsupported);
    o.byName.put("verifySSN", unsupported);
    o.byName.put("gsbLookup", unsupported);
    return o;
  }

  /** The factory for that operator name, or null when unknown. */
  public OperatorFactory get(String name) {
    return byName.get(name);
  }
}
