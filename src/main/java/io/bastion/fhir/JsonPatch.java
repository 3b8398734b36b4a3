package io.bastion.fhir;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * RFC 6902 JSON Patch over Vert.x JSON (add, remove, replace, move, copy, test), with RFC 6901 pointers.
 * A document that is not a well-formed patch fails with 400; a patch that cannot be applied to this
 * resource (missing target, failed test) fails with 422. Operations apply to a deep copy, so a failed
 * patch leaves the input untouched, all or nothing.
 */
public final class JsonPatch {

  private final List<Operation> operations;

  private record Operation(int index, String op, List<String> path, List<String> from, Object value) {
  }

  private JsonPatch(List<Operation> operations) {
    this.operations = operations;
  }

  /** Checks the document's shape (array of objects with known ops, pointers and values). */
  public static JsonPatch parse(Object document) {
    if (!(document instanceof JsonArray array)) {
      throw FhirException.of(400, "invalid", "a JSON Patch document must be a JSON array of operations");
    }
    List<Operation> operations = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof JsonObject op)) {
        throw malformed(i, "each operation must be a JSON object");
      }
      String name = op.getValue("op") instanceof String s ? s : null;
      if (name == null || !List.of("add", "remove", "replace", "move", "copy", "test").contains(name)) {
        throw malformed(i, "op must be one of add, remove, replace, move, copy, test");
      }
      List<String> path = pointer(i, op.getValue("path"), "path");
      List<String> from = null;
      if (name.equals("move") || name.equals("copy")) {
        from = pointer(i, op.getValue("from"), "from");
        if (name.equals("move") && isPrefix(from, path) && !from.equals(path)) {
          throw malformed(i, "move cannot move a location into one of its children");
        }
      }
      if ((name.equals("add") || name.equals("replace") || name.equals("test")) && !op.containsKey("value")) {
        throw malformed(i, name + " requires a value");
      }
      operations.add(new Operation(i, name, path, from, op.getValue("value")));
    }
    return new JsonPatch(operations);
  }

  /** Applies every operation in order to a copy of the target and returns the copy. */
  public JsonObject apply(JsonObject target) {
    Object document = target.copy();
    for (Operation op : operations) {
      document = switch (op.op()) {
        case "add" -> add(document, op, op.path(), copyOf(op.value()));
        case "remove" -> {
          remove(document, op, op.path());
          yield document;
        }
        case "replace" -> {
          remove(document, op, op.path());
          yield add(document, op, op.path(), copyOf(op.value()));
        }
        case "move" -> {
          Object value = get(document, op, op.from());
          remove(document, op, op.from());
          yield add(document, op, op.path(), value);
        }
        case "copy" -> add(document, op, op.path(), copyOf(get(document, op, op.from())));
        case "test" -> {
          if (!jsonEquals(get(document, op, op.path()), op.value())) {
            throw unprocessable(op, "test failed: the value at path differs from the expected value");
          }
          yield document;
        }
        default -> throw new IllegalStateException(op.op());
      };
    }
    if (!(document instanceof JsonObject result)) {
      throw FhirException.of(422, "processing", "the patch replaces the resource with something that is not a JSON object");
    }
    return result;
  }

  private static Object add(Object document, Operation op, List<String> path, Object value) {
    if (path.isEmpty()) {
      return value;
    }
    Object parent = resolve(document, op, path.subList(0, path.size() - 1));
    String last = path.get(path.size() - 1);
    if (parent instanceof JsonObject object) {
      object.put(last, value);
    } else if (parent instanceof JsonArray array) {
      int index = last.equals("-") ? array.size() : index(op, last, array.size());
      array.getList().add(index, value);
    } else {
      throw unprocessable(op, "the parent of path is not an object or array");
    }
    return document;
  }

  private static void remove(Object document, Operation op, List<String> path) {
    if (path.isEmpty()) {
      throw unprocessable(op, "the whole document cannot be removed");
    }
    Object parent = resolve(document, op, path.subList(0, path.size() - 1));
    String last = path.get(path.size() - 1);
    if (parent instanceof JsonObject object) {
      if (!object.containsKey(last)) {
        throw unprocessable(op, "path does not exist in the resource");
      }
      object.remove(last);
    } else if (parent instanceof JsonArray array) {
      array.remove(index(op, last, array.size() - 1));
    } else {
      throw unprocessable(op, "path does not exist in the resource");
    }
  }

  private static Object get(Object document, Operation op, List<String> path) {
    return resolve(document, op, path);
  }

  private static Object resolve(Object document, Operation op, List<String> path) {
    Object current = document;
    for (String token : path) {
      if (current instanceof JsonObject object && object.containsKey(token)) {
        current = object.getValue(token);
      } else if (current instanceof JsonArray array) {
        current = array.getValue(index(op, token, array.size() - 1));
      } else {
        throw unprocessable(op, "path does not exist in the resource");
      }
    }
    return current;
  }

  /** An array index per RFC 6901: digits, no leading zero, at most max. */
  private static int index(Operation op, String token, int max) {
    if (!token.matches("0|[1-9][0-9]{0,8}")) {
      throw unprocessable(op, "an array index in the path is not a number");
    }
    int index = Integer.parseInt(token);
    if (index > max) {
      throw unprocessable(op, "an array index in the path is out of bounds");
    }
    return index;
  }

  private static List<String> pointer(int i, Object value, String member) {
    if (!(value instanceof String text) || !(text.isEmpty() || text.startsWith("/"))) {
      throw malformed(i, member + " must be a JSON Pointer (\"\" or starting with \"/\")");
    }
    List<String> tokens = new ArrayList<>();
    if (text.isEmpty()) {
      return tokens;
    }
    for (String raw : text.substring(1).split("/", -1)) {
      if (raw.matches(".*~([^01]|$).*")) {
        throw malformed(i, member + " has an invalid ~ escape");
      }
      tokens.add(raw.replace("~1", "/").replace("~0", "~"));
    }
    return tokens;
  }

  private static boolean isPrefix(List<String> prefix, List<String> path) {
    return prefix.size() <= path.size() && path.subList(0, prefix.size()).equals(prefix);
  }

  /** JSON equality per RFC 6902 §4.6: numbers by value, objects unordered, arrays ordered. */
  static boolean jsonEquals(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString())) == 0;
    }
    if (a instanceof JsonObject x && b instanceof JsonObject y) {
      if (!x.fieldNames().equals(y.fieldNames())) {
        return false;
      }
      for (Map.Entry<String, Object> entry : x) {
        if (!jsonEquals(entry.getValue(), y.getValue(entry.getKey()))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof JsonArray x && b instanceof JsonArray y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!jsonEquals(x.getValue(i), y.getValue(i))) {
          return false;
        }
      }
      return true;
    }
    return a == null ? b == null : a.equals(b);
  }

  private static Object copyOf(Object value) {
    if (value instanceof JsonObject object) {
      return object.copy();
    }
    if (value instanceof JsonArray array) {
      return array.copy();
    }
    return value;
  }

  private static FhirException malformed(int index, String message) {
    return FhirException.of(400, "invalid", "JSON Patch operation " + index + ": " + message);
  }

  private static FhirException unprocessable(Operation op, String message) {
    return FhirException.of(422, "processing", "JSON Patch operation " + op.index() + " (" + op.op() + "): " + message);
  }
}
