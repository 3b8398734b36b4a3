package io.bastion.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Layers the configuration: built-in defaults (a copy of conf/bastion.yaml inside the jar), then the
 * config file, then BASTION_* environment variables, then flags. The defaults define which keys exist:
 * anything else in the file is reported as unknown. Values stay raw here; {@link ConfigReader} parses
 * and validates them, so every layer gets the same checks.
 */
public final class ConfigLoader {

  static final String DEFAULTS_RESOURCE = "bastion/bastion.yaml";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final JsonObject defaults;

  private ConfigLoader(JsonObject defaults) {
    this.defaults = defaults;
  }

  public static ConfigLoader withBuiltInDefaults() {
    try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(DEFAULTS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("built-in defaults missing from the classpath: " + DEFAULTS_RESOURCE);
      }
      return new ConfigLoader(toJson(YAML.readValue(in, Map.class)));
    } catch (IOException e) {
      throw new UncheckedIOException("built-in defaults unreadable", e);
    }
  }

  /**
   * Merges the layers and validates the result.
   *
   * @param file  the config file, or null for the defaults alone
   * @param env   the environment (only BASTION_* names are looked at)
   * @param flags key path to value, from the command line
   * @throws ConfigException listing every problem
   */
  public BastionConfig load(Path file, Map<String, String> env, Map<String, String> flags) {
    List<ConfigProblem> problems = new ArrayList<>();
    JsonObject merged = defaults.copy();
    if (file != null) {
      JsonObject fromFile = readFile(file, problems);
      if (fromFile != null) {
        overlay(merged, fromFile, "", problems);
      }
    }
    for (String path : leafPaths(defaults, "")) {
      String fromEnv = env.get(envName(path));
      if (fromEnv != null) {
        set(merged, path, typed(path, fromEnv));
      }
    }
    flags.forEach((path, value) -> {
      if (value != null) {
        set(merged, path, typed(path, value));
      }
    });
    ConfigReader reader = new ConfigReader(merged, problems);
    BastionConfig config = BastionConfig.read(reader, merged);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return config;
  }

  /** The environment variable of a key path: http.port -> BASTION_HTTP_PORT. */
  public static String envName(String path) {
    return "BASTION_" + path.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
  }

  /** Every key path that has a value (not a section) in the defaults. */
  public List<String> keyPaths() {
    return leafPaths(defaults, "");
  }

  private static JsonObject readFile(Path file, List<ConfigProblem> problems) {
    if (!Files.isReadable(file)) {
      problems.add(new ConfigProblem("--config", file.toString(), "a readable YAML file"));
      return null;
    }
    try {
      Object parsed = YAML.readValue(file.toFile(), Object.class);
      if (parsed == null) {
        return new JsonObject();
      }
      if (!(parsed instanceof Map<?, ?> map)) {
        problems.add(new ConfigProblem(file.toString(), String.valueOf(parsed), "a YAML mapping of sections"));
        return null;
      }
      return toJson(map);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : ":" + e.getLocation().getLineNr();
      problems.add(new ConfigProblem(file + where, null, "valid YAML (" + e.getOriginalMessage() + ")"));
      return null;
    } catch (IOException e) {
      problems.add(new ConfigProblem(file.toString(), null, "a readable file (" + e.getMessage() + ")"));
      return null;
    }
  }

  /** Copies the file's values onto the defaults, reporting keys the defaults do not have. */
  private static void overlay(JsonObject target, JsonObject source, String prefix, List<ConfigProblem> problems) {
    for (String key : source.fieldNames()) {
      String path = prefix + key;
      Object value = source.getValue(key);
      if (!target.containsKey(key)) {
        problems.add(new ConfigProblem(path, String.valueOf(value), "not a known key (see conf/bastion.yaml)"));
      } else if (target.getValue(key) instanceof JsonObject section) {
        if (value instanceof JsonObject nested) {
          overlay(section, nested, path + ".", problems);
        } else {
          problems.add(new ConfigProblem(path, String.valueOf(value), "a section with keys " + section.fieldNames()));
        }
      } else {
        target.put(key, value);
      }
    }
  }

  /**
   * A string from the environment or a flag, as the type its default has when it parses as one (so
   * --print-config shows port: 9000, not "9000"); otherwise left as text for the reader to report.
   */
  private Object typed(String path, String text) {
    Object model = valueAt(defaults, path);
    String trimmed = text.trim();
    if (model instanceof Number && trimmed.matches("-?\\d{1,18}")) {
      return Long.parseLong(trimmed);
    }
    if (model instanceof Boolean && (trimmed.equalsIgnoreCase("true") || trimmed.equalsIgnoreCase("false"))) {
      return Boolean.parseBoolean(trimmed);
    }
    return text;
  }

  /** The value at a dotted key path, or null when any section on the way is missing. */
  static Object valueAt(JsonObject root, String path) {
    Object current = root;
    for (String part : path.split("\\.")) {
      if (!(current instanceof JsonObject section)) {
        return null;
      }
      current = section.getValue(part);
    }
    return current;
  }

  private static List<String> leafPaths(JsonObject section, String prefix) {
    List<String> paths = new ArrayList<>();
    for (String key : section.fieldNames()) {
      if (section.getValue(key) instanceof JsonObject nested) {
        paths.addAll(leafPaths(nested, prefix + key + "."));
      } else {
        paths.add(prefix + key);
      }
    }
    return paths;
  }

  private static void set(JsonObject root, String path, Object value) {
    String[] parts = path.split("\\.");
    JsonObject section = root;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonObject next = section.getJsonObject(parts[i]);
      if (next == null) {
        next = new JsonObject();
        section.put(parts[i], next);
      }
      section = next;
    }
    section.put(parts[parts.length - 1], value);
  }

  @SuppressWarnings("unchecked")
  private static JsonObject toJson(Map<?, ?> map) {
    JsonObject json = new JsonObject((Map<String, Object>) map);
    return new JsonObject(json.encode()); // normalises nested maps/lists into JsonObject/JsonArray
  }
}
