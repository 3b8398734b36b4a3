package io.bastion.fhir.search;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.bastion.fhir.search.FhirPath.Value;

/**
 * The FHIRPath subset as first written: an interpreter that re-reads the expression text on every
 * evaluation. Kept in test scope as the reference that {@link FhirPath}'s compiled form must agree with
 * ({@code FhirPathCompiledTest}).
 */
final class FhirPathInterpreter {


  private static final Pattern EXISTS_AND_NOT_FALSE = Pattern.compile("(\\S+)\\.exists\\(\\) and \\1 != false");
  private static final Pattern RESOLVE_IS = Pattern.compile("where\\(resolve\\(\\) is ([A-Za-z]+)\\)");
  private static final Pattern WHERE_EQUALS = Pattern.compile("where\\(([a-zA-Z]+)\\s*=\\s*'([^']*)'\\)");
  private static final Pattern TYPE_FUNCTION = Pattern.compile("(?:as|ofType)\\(([A-Za-z]+)\\)");

  private FhirPathInterpreter() {
  }

  /** Evaluates an expression that starts with the resource type (or is just the type). */
  public static List<Value> evaluate(JsonObject resource, String expression) {
    List<Value> out = new ArrayList<>();
    for (String member : splitUnion(expression)) {
      Matcher exists = EXISTS_AND_NOT_FALSE.matcher(member);
      if (exists.matches()) {
        List<Value> found = evaluateMember(resource, exists.group(1), true);
        boolean value = !found.isEmpty() && found.stream().noneMatch(v -> Boolean.FALSE.equals(v.value()));
        out.add(new Value(value, "boolean"));
      } else {
        out.addAll(evaluateMember(resource, member, true));
      }
    }
    return out;
  }

  /** Evaluates an expression relative to a value (the components of a composite). */
  public static List<Value> evaluateRelative(Object context, String expression) {
    List<Value> out = new ArrayList<>();
    for (String member : splitUnion(expression)) {
      out.addAll(evaluateMember(context, member, false));
    }
    return out;
  }

  /** Splits at top-level '|' (outside parentheses and quotes), trimmed. */
  public static List<String> splitUnion(String expression) {
    return split(expression, '|');
  }

  private static List<Value> evaluateMember(Object root, String member, boolean rooted) {
    String text = member.trim();
    List<Value> current;
    List<String> steps;
    if (text.startsWith("(")) {
      int close = matching(text, 0);
      String inner = text.substring(1, close);
      int as = inner.lastIndexOf(" as ");
      if (as < 0) {
        throw new IllegalArgumentException("unsupported FHIRPath: " + member);
      }
      current = filterType(evaluateMember(root, inner.substring(0, as), rooted), inner.substring(as + 4).trim());
      String rest = text.substring(close + 1);
      if (!rest.isEmpty() && !rest.startsWith(".")) {
        throw new IllegalArgumentException("unsupported FHIRPath: " + member);
      }
      steps = rest.isEmpty() ? List.of() : split(rest.substring(1), '.');
    } else {
      steps = split(text, '.');
      current = List.of(new Value(root, null));
      if (rooted) {
        steps = steps.subList(1, steps.size()); // the resource type (or Resource) names the root
      }
    }
    for (String step : steps) {
      current = step(current, step.trim(), member);
    }
    return current;
  }

  private static List<Value> step(List<Value> values, String step, String member) {
    Matcher m;
    if ((m = TYPE_FUNCTION.matcher(step)).matches()) {
      return filterType(values, m.group(1));
    }
    if ((m = RESOLVE_IS.matcher(step)).matches()) {
      String type = m.group(1);
      List<Value> out = new ArrayList<>();
      for (Value v : values) {
        if (v.value() instanceof JsonObject ref && type.equals(referenceType(ref.getValue("reference")))) {
          out.add(v);
        }
      }
      return out;
    }
    if ((m = WHERE_EQUALS.matcher(step)).matches()) {
      List<Value> out = new ArrayList<>();
      for (Value v : values) {
        if (v.value() instanceof JsonObject o && m.group(2).equals(o.getValue(m.group(1)))) {
          out.add(v);
        }
      }
      return out;
    }
    if (!step.matches("[a-zA-Z][a-zA-Z0-9]*")) {
      throw new IllegalArgumentException("unsupported FHIRPath step '" + step + "' in " + member);
    }
    List<Value> out = new ArrayList<>();
    for (Value v : values) {
      if (v.value() instanceof JsonObject o) {
        child(o, step, out);
      }
    }
    return out;
  }

  private static void child(JsonObject object, String name, List<Value> out) {
    if (object.containsKey(name)) {
      flatten(object.getValue(name), null, out);
      return;
    }
    for (String key : object.fieldNames()) {
      if (key.length() > name.length() && key.startsWith(name) && Character.isUpperCase(key.charAt(name.length()))) {
        flatten(object.getValue(key), key.substring(name.length()), out);
      }
    }
  }

  private static void flatten(Object value, String type, List<Value> out) {
    if (value instanceof JsonArray array) {
      array.forEach(item -> flatten(item, type, out));
    } else if (value != null) {
      out.add(new Value(value, type));
    }
  }

  private static List<Value> filterType(List<Value> values, String type) {
    List<Value> out = new ArrayList<>();
    for (Value v : values) {
      if (v.type() == null) {
        out.add(new Value(v.value(), type));
      } else if (v.type().equalsIgnoreCase(type)) {
        out.add(v);
      }
    }
    return out;
  }

  /** The type named by a literal reference ("Patient/1", ".../fhir/Patient/1/_history/2"), or null. */
  public static String referenceType(Object reference) {
    if (!(reference instanceof String ref)) {
      return null;
    }
    String[] parts = ref.split("/");
    int n = parts.length;
    if (n >= 4 && parts[n - 2].equals("_history")) {
      n -= 2;
    }
    return n >= 2 && parts[n - 2].matches("[A-Z][A-Za-z]+") ? parts[n - 2] : null;
  }

  private static List<String> split(String text, char separator) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    boolean quoted = false;
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\'') {
        quoted = !quoted;
      } else if (!quoted && c == '(') {
        depth++;
      } else if (!quoted && c == ')') {
        depth--;
      } else if (!quoted && depth == 0 && c == separator) {
        parts.add(text.substring(start, i).trim());
        start = i + 1;
      }
    }
    parts.add(text.substring(start).trim());
    return parts;
  }

  private static int matching(String text, int open) {
    int depth = 0;
    for (int i = open; i < text.length(); i++) {
      if (text.charAt(i) == '(') {
        depth++;
      } else if (text.charAt(i) == ')' && --depth == 0) {
        return i;
      }
    }
    throw new IllegalArgumentException("unbalanced parentheses: " + text);
  }
}
