package io.bastion.fhir;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;

/**
 * A parsed resource as compact JSON text, exactly as {@link Json#encode} writes it, without Jackson's
 * databind: the create path wrote every resource through it twice (the response and the stored content), and
 * its serializer lookups per value cost more than the writing. Objects, arrays, strings ({@link JsonStrings}),
 * booleans, null and the numbers a parse gives (Integer, Long, BigInteger, BigDecimal as {@code toString()},
 * doubles and floats as Java prints them) are written here; any other value (none comes from a parse) is
 * handed to {@link Json#encode}.
 */
public final class JsonText {

  private JsonText() {
  }

  public static String encode(JsonObject object) {
    StringBuilder out = new StringBuilder(1024);
    appendObject(out, object);
    return out.toString();
  }

  public static void appendObject(StringBuilder out, JsonObject object) {
    out.append('{');
    boolean first = true;
    for (Map.Entry<String, Object> entry : object.getMap().entrySet()) {
      if (!first) {
        out.append(',');
      }
      first = false;
      JsonStrings.appendQuoted(out, entry.getKey()).append(':');
      append(out, entry.getValue());
    }
    out.append('}');
  }

  public static void appendArray(StringBuilder out, JsonArray array) {
    out.append('[');
    for (int i = 0; i < array.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      append(out, array.getList().get(i));
    }
    out.append(']');
  }

  /** Appends one value. */
  public static void append(StringBuilder out, Object value) {
    if (value instanceof String s) {
      JsonStrings.appendQuoted(out, s);
    } else if (value instanceof JsonObject o) {
      appendObject(out, o);
    } else if (value instanceof JsonArray a) {
      appendArray(out, a);
    } else if (value == null) {
      out.append("null");
    } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long
        || value instanceof BigDecimal || value instanceof BigInteger || value instanceof Short || value instanceof Byte) {
      out.append(value);
    } else if (value instanceof Double d && Double.isFinite(d) || value instanceof Float f && Float.isFinite(f)) {
      out.append(value);
    } else {
      out.append(Json.encode(value));
    }
  }
}
