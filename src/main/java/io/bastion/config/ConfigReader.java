package io.bastion.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Typed, validating access to the merged configuration. Each getter records a {@link ConfigProblem}
 * instead of throwing, and returns a harmless value, so one pass finds every problem.
 * Values may arrive as YAML types or as strings (environment variables, flags); both are accepted.
 */
public final class ConfigReader {

  private final JsonObject root;
  private final List<ConfigProblem> problems;

  ConfigReader(JsonObject root, List<ConfigProblem> problems) {
    this.root = root;
    this.problems = problems;
  }

  public String string(String path) {
    Object value = raw(path);
    if (value == null) {
      return "";
    }
    if (value instanceof JsonObject || value instanceof JsonArray) {
      problem(path, value, "a single value");
      return "";
    }
    return value.toString().trim();
  }

  public int integer(String path, int min, int max) {
    Object value = raw(path);
    long parsed;
    if (value instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())) {
      parsed = number.longValue();
    } else if (value instanceof String text && text.trim().matches("-?\\d{1,18}")) {
      parsed = Long.parseLong(text.trim());
    } else {
      problem(path, value, "a whole number from " + min + " to " + max);
      return min;
    }
    if (parsed < min || parsed > max) {
      problem(path, value, "a whole number from " + min + " to " + max);
      return min;
    }
    return (int) parsed;
  }

  public long longValue(String path, long min, long max) {
    Object value = raw(path);
    if (value instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())
        && number.longValue() >= min && number.longValue() <= max) {
      return number.longValue();
    }
    if (value instanceof String text && text.trim().matches("-?\\d{1,18}")) {
      long parsed = Long.parseLong(text.trim());
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    }
    problem(path, value, "a whole number from " + min + " to " + max);
    return min;
  }

  public boolean bool(String path) {
    Object value = raw(path);
    if (value instanceof Boolean flag) {
      return flag;
    }
    if (value instanceof String text) {
      switch (text.trim().toLowerCase(Locale.ROOT)) {
        case "true", "yes", "on", "1" -> { return true; }
        case "false", "no", "off", "0" -> { return false; }
        default -> { }
      }
    }
    problem(path, value, "true or false");
    return false;
  }

  /** One of the allowed words, case-insensitive; returned in lower case. */
  public String oneOf(String path, String... allowed) {
    String value = string(path).toLowerCase(Locale.ROOT);
    if (Arrays.asList(allowed).contains(value)) {
      return value;
    }
    problem(path, raw(path), "one of " + String.join(", ", allowed));
    return allowed[0];
  }

  /** A YAML list, or a comma-separated string from the environment. */
  public List<String> list(String path) {
    Object value = raw(path);
    List<String> items = new ArrayList<>();
    if (value instanceof JsonArray array) {
      for (Object item : array) {
        if (item instanceof JsonObject || item instanceof JsonArray || item == null) {
          problem(path, array, "a list of plain values");
          return List.of();
        }
        items.add(item.toString().trim());
      }
    } else if (value instanceof String text) {
      for (String item : text.split(",")) {
        if (!item.isBlank()) {
          items.add(item.trim());
        }
      }
    } else if (value != null) {
      problem(path, value, "a list");
    }
    return List.copyOf(items);
  }

  /** Records a problem found by a cross-field check in a config record. */
  public void problem(String path, Object value, String allowed) {
    problems.add(new ConfigProblem(path, value == null ? null : value.toString(), allowed));
  }

  private Object raw(String path) {
    return ConfigLoader.valueAt(root, path);
  }
}
