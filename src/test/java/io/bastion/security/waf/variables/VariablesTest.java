package io.bastion.security.waf.variables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
  void runtimeExclusionsRemoveMembers() {
    List<MatchTarget> out = new ArrayList<>();
    new TargetList(List.of(Target.parse("ARGS"))).collect(new Source(), List.of(Target.parse("ARGS:name")), out);
    assertEquals(2, out.size());
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
