package io.bastion.fhir.search;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The FHIRPath subset that the R4 search-parameter expressions of the supported types use, evaluated over
 * a resource's JSON:
 * <ul>
 *   <li>paths {@code Type.a.b}, arrays flattened; an element that is a choice ({@code value[x]}) is found
 *       by its prefix and carries its type from the suffix ({@code valueQuantity} → Quantity)</li>
 *   <li>unions {@code a | b}</li>
 *   <li>type filters {@code (path as T)}, {@code path.as(T)}, {@code path.ofType(T)}; a value whose type is
 *       not known (not a choice element) passes</li>
 *   <li>{@code where(resolve() is T)} on references (the type of a literal {@code T/id} reference, or of
 *       an absolute URL ending in {@code T/id}) and {@code where(field='literal')}</li>
 *   <li>the one boolean form the R4 Patient definitions use: {@code X.exists() and X != false}</li>
 * </ul>
 * Anything else (functions such as extension(), indexers, arithmetic) is rejected when the expression is
 * evaluated, so an unsupported expression is found by the extraction tests rather than silently empty.
 */
public final class FhirPath {

  /** A value found by an expression, with its FHIR type when the path says it (choice elements, as()). */
  public record Value(Object value, String type) {
  }

  private static final Pattern EXISTS_AND_NOT_FALSE = Pattern.compile("(\\S+)\\.exists\\(\\) and \\1 != false");
  private static final Pattern RESOLVE_IS = Pattern.compile("where\\(resolve\\(\\) is ([A-Za-z]+)\\)");
  private static final Pattern WHERE_EQUALS = Pattern.compile("where\\(([a-zA-Z]+)\\s*=\\s*'([^']*)'\\)");
  private static final Pattern TYPE_NAME = Pattern.compile("[A-Z][A-Za-z]+");
  private static final Pattern TYPE_FUNCTION = Pattern.compile("(?:as|ofType)\\(([A-Za-z]+)\\)");

  /** Expressions parsed so far, by text: only the parameter table's expressions reach these in production. */
  private static final Map<String, Expression> ROOTED = new ConcurrentHashMap<>();
  private static final Map<String, Expression> RELATIVE = new ConcurrentHashMap<>();

  private FhirPath() {
  }

  /** Evaluates an expression that starts with the resource type (or is just the type). */
  public static List<Value> evaluate(JsonObject resource, String expression) {
    return ROOTED.computeIfAbsent(expression, e -> Expression.parse(e, true)).evaluate(resource);
  }

  /** Evaluates an expression relative to a value (the components of a composite). */
  public static List<Value> evaluateRelative(Object context, String expression) {
    return RELATIVE.computeIfAbsent(expression, e -> Expression.parse(e, false)).evaluate(context);
  }

  /** Splits at top-level '|' (outside parentheses and quotes), trimmed. */
  public static List<String> splitUnion(String expression) {
    return split(expression, '|');
  }

  /**
   * An expression parsed once into its union members and their steps: every write evaluates the ~40
   * expressions of its type, and re-reading the text (splits, regular expressions) cost far more than
   * walking the JSON. An unsupported expression fails to parse, as it failed to evaluate before.
   */
  private record Expression(List<Member> members) {

    static Expression parse(String expression, boolean rooted) {
      List<Member> members = new ArrayList<>();
      for (String member : splitUnion(expression)) {
        Matcher exists = EXISTS_AND_NOT_FALSE.matcher(member);
        members.add(rooted && exists.matches() ? new ExistsNotFalse(Path.parse(exists.group(1), true))
            : Path.parse(member, rooted));
      }
      return new Expression(List.copyOf(members));
    }

    List<Value> evaluate(Object root) {
      if (members.size() == 1) {
        return members.get(0).evaluate(root);
      }
      List<Value> out = new ArrayList<>();
      for (Member member : members) {
        out.addAll(member.evaluate(root));
      }
      return out;
    }
  }

  private interface Member {
    List<Value> evaluate(Object root);
  }

  /** {@code X.exists() and X != false}: one boolean. */
  private record ExistsNotFalse(Path path) implements Member {
    @Override
    public List<Value> evaluate(Object root) {
      List<Value> found = path.evaluate(root);
      boolean value = !found.isEmpty() && found.stream().noneMatch(v -> Boolean.FALSE.equals(v.value()));
      return List.of(new Value(value, "boolean"));
    }
  }

  /** A path: from the root, or from a parenthesised {@code (path as T)}, then steps. */
  private record Path(Path inner, String asType, List<Step> steps) implements Member {

    static Path parse(String member, boolean rooted) {
      String text = member.trim();
      if (text.startsWith("(")) {
        int close = matching(text, 0);
        String inner = text.substring(1, close);
        int as = inner.lastIndexOf(" as ");
        if (as < 0) {
          throw new IllegalArgumentException("unsupported FHIRPath: " + member);
        }
        Path source = parse(inner.substring(0, as), rooted);
        String rest = text.substring(close + 1);
        if (!rest.isEmpty() && !rest.startsWith(".")) {
          throw new IllegalArgumentException("unsupported FHIRPath: " + member);
        }
        return new Path(source, inner.substring(as + 4).trim(),
            steps(rest.isEmpty() ? List.of() : split(rest.substring(1), '.'), member));
      }
      List<String> steps = split(text, '.');
      if (rooted) {
        steps = steps.subList(1, steps.size()); // the resource type (or Resource) names the root
      }
      return new Path(null, null, steps(steps, member));
    }

    private static List<Step> steps(List<String> texts, String member) {
      List<Step> steps = new ArrayList<>();
      for (String text : texts) {
        steps.add(Step.parse(text.trim(), member));
      }
      return List.copyOf(steps);
    }

    @Override
    public List<Value> evaluate(Object root) {
      List<Value> current = inner == null ? List.of(new Value(root, null)) : filterType(inner.evaluate(root), asType);
      for (Step step : steps) {
        current = step.apply(current);
      }
      return current;
    }
  }

  /** One step after the parse: which kind, and its argument (a type, an element name, a field and literal). */
  private record Step(Kind kind, String name, String literal) {

    enum Kind { TYPE, RESOLVE_IS, WHERE_EQUALS, CHILD }

    static Step parse(String step, String member) {
      Matcher m;
      if ((m = TYPE_FUNCTION.matcher(step)).matches()) {
        return new Step(Kind.TYPE, m.group(1), null);
      }
      if ((m = RESOLVE_IS.matcher(step)).matches()) {
        return new Step(Kind.RESOLVE_IS, m.group(1), null);
      }
      if ((m = WHERE_EQUALS.matcher(step)).matches()) {
        return new Step(Kind.WHERE_EQUALS, m.group(1), m.group(2));
      }
      if (!step.matches("[a-zA-Z][a-zA-Z0-9]*")) {
        throw new IllegalArgumentException("unsupported FHIRPath step '" + step + "' in " + member);
      }
      return new Step(Kind.CHILD, step, null);
    }

    List<Value> apply(List<Value> values) {
      if (kind == Kind.TYPE) {
        return filterType(values, name);
      }
      if (values.isEmpty()) {
        return values;
      }
      List<Value> out = new ArrayList<>();
      for (Value v : values) {
        switch (kind) {
          case RESOLVE_IS -> {
            if (v.value() instanceof JsonObject ref && name.equals(referenceType(ref.getValue("reference")))) {
              out.add(v);
            }
          }
          case WHERE_EQUALS -> {
            if (v.value() instanceof JsonObject o && literal.equals(o.getValue(name))) {
              out.add(v);
            }
          }
          default -> {
            if (v.value() instanceof JsonObject o) {
              child(o, name, out);
            }
          }
        }
      }
      return out;
    }
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
    return n >= 2 && TYPE_NAME.matcher(parts[n - 2]).matches() ? parts[n - 2] : null;
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
