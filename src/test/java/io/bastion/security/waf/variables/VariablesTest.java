package io.bastion.security.waf.variables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Targets (selectors, regex selectors, exclusions, counts) and macros against a fixed request. */
class VariablesTest {

  static final class Source implements VariableSource {
    final Map<Variable, KeyedValues> collections = new EnumMap<>(Variable.class);

    Source() {
      KeyedValues args = new KeyedValues();
      args.add("id", "42");
      args.add("id_extra", "x");
      args.add("Name", "O'Brien");
      collections.put(Variable.ARGS, args);
      KeyedValues tx = new KeyedValues();
      tx.set("score", "5");
      collections.put(Variable.TX, tx);
      KeyedValues headers = new KeyedValues();
      headers.add("Host", "fhir.example.org");
      collections.put(Variable.REQUEST_HEADERS, headers);
    }

    @Override
    public KeyedValues collection(Variable v) {
      return collections.get(v);
    }

    @Override
    public String scalar(Variable v) {
      return v == Variable.REQUEST_METHOD ? "GET" : null;
    }
  }

  static Stream<Arguments> targets() {
    return Stream.of(
        Arguments.of("ARGS", List.of("ARGS:id=42", "ARGS:id_extra=x", "ARGS:Name=O'Brien")),
        Arguments.of("ARGS:ID", List.of("ARGS:id=42")),
        Arguments.of("ARGS:/^id/", List.of("ARGS:id=42", "ARGS:id_extra=x")),
        Arguments.of("ARGS|!ARGS:id_extra", List.of("ARGS:id=42", "ARGS:Name=O'Brien")),
        Arguments.of("ARGS|!ARGS:/^id/", List.of("ARGS:Name=O'Brien")),
        Arguments.of("ARGS_NAMES", List.of("ARGS_NAMES:id=id", "ARGS_NAMES:id_extra=id_extra",
            "ARGS_NAMES:Name=Name")),
        Arguments.of("&ARGS", List.of("&ARGS=3")),
        Arguments.of("&ARGS:/^id/", List.of("&ARGS=2")),
        Arguments.of("&TX:missing", List.of("&TX:missing=0")),
        Arguments.of("REQUEST_METHOD", List.of("REQUEST_METHOD=GET")),
        Arguments.of("&REQUEST_BODY", List.of("&REQUEST_BODY=0")),
        Arguments.of("REQUEST_HEADERS:host", List.of("REQUEST_HEADERS:Host=fhir.example.org")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void collectsWhatTheTargetListSelects(String spec, List<String> expected) {
    List<Target> targets = new ArrayList<>();
    for (String part : spec.split("\\|")) {
      targets.add(Target.parse(part));
    }
    List<MatchTarget> out = new ArrayList<>();
    new TargetList(targets).collect(new Source(), List.of(), out);
    assertEquals(expected, out.stream().map(m -> m.name() + "=" + m.value()).toList());
  }

  @Test
  void countsAreTheNumberOfMembersAndASmallCountIsOneInstance() {
    Source s = new Source();
    KeyedValues many = new KeyedValues();
    s.collections.put(Variable.ARGS_GET, many);
    TargetList count = new TargetList(List.of(Target.parse("&ARGS_GET")));
    for (int n = 0; n <= 70; n++) {
      List<MatchTarget> a = new ArrayList<>();
      List<MatchTarget> b = new ArrayList<>();
      count.collect(s, List.of(), a);
      count.collect(s, List.of(), b);
      assertEquals(Integer.toString(n), a.get(0).value());
      // the transaction memoises values by identity: a count seen on every request must not be a new String each time
      assertTrue(n >= 64 || a.get(0).value() == b.get(0).value(), "count " + n + " is one instance");
      many.add("k" + n, "v");
    }
  }

  @Test
  void runtimeExclusionsRemoveMembers() {
    List<MatchTarget> out = new ArrayList<>();
    new TargetList(List.of(Target.parse("ARGS"))).collect(new Source(), List.of(Target.parse("ARGS:name")), out);
    assertEquals(2, out.size());
  }

  @Test
  void keyedValuesFindMembersByKeyInOrderAndCountChanges() {
    KeyedValues c = new KeyedValues();
    c.add("id", "1");
    c.add("other", "x");
    c.add("ID", "2");
    assertEquals(List.of("1", "2"), Stream.of(c.withKey("id")).map(KeyedValues.Entry::value).toList());
    assertEquals("1", c.get("Id"));
    assertEquals(0, c.withKey("none").length);
    int v = c.version();
    c.set("Id", "3"); // TX semantics: every member with the key replaced by one, appended last
    assertEquals(List.of("other=x", "Id=3"), c.entries().stream().map(e -> e.key() + "=" + e.value()).toList());
    assertEquals(List.of("3"), Stream.of(c.withKey("id")).map(KeyedValues.Entry::value).toList());
    assertTrue(c.version() != v);
    v = c.version();
    c.remove("none"); // nothing removed: nothing changed
    assertEquals(v, c.version());
    c.remove("ID");
    assertEquals(0, c.withKey("id").length);
    assertEquals(null, c.get("id"));
    assertTrue(c.version() != v);
    v = c.version();
    c.clear();
    assertEquals(0, c.withKey("other").length);
    assertTrue(c.version() != v);
  }

  @Test
  void exactKeySelectorsWithStaticExclusionsAndCounts() {
    Source s = new Source();
    s.collections.get(Variable.ARGS).add("ID", "43");
    List<MatchTarget> out = new ArrayList<>();
    new TargetList(List.of(Target.parse("ARGS:id"), Target.parse("&ARGS:id"), Target.parse("ARGS_NAMES:id")))
        .collect(s, List.of(), out);
    assertEquals(List.of("ARGS:id=42", "ARGS:ID=43", "&ARGS:id=2", "ARGS_NAMES:id=id", "ARGS_NAMES:ID=ID"),
        out.stream().map(m -> m.name() + "=" + m.value()).toList());
    out.clear();
    new TargetList(List.of(Target.parse("ARGS:id"), Target.parse("!ARGS:/^id$/"))).collect(s, List.of(), out);
    assertEquals(List.of(), out);
  }

  @Test
  void unknownVariablesAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> Target.parse("NOT_A_VARIABLE"));
  }

  static Stream<Arguments> macros() {
    return Stream.of(
        Arguments.of("score=%{tx.score}", "score=5"),
        Arguments.of("%{TX.SCORE}/%{REQUEST_METHOD}", "5/GET"),
        Arguments.of("%{request_headers.host}", "fhir.example.org"),
        Arguments.of("%{tx.none}", ""),
        Arguments.of("literal %{unknown} stays", "literal %{unknown} stays"),
        Arguments.of("no macro", "no macro"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("macros")
  void expandsMacros(String text, String expected) {
    assertEquals(expected, Macro.parse(text).expand(new Source()));
  }
}
