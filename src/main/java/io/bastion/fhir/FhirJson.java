package io.bastion.fhir;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a FHIR JSON document under {@link FhirLimits}: one streaming pass that refuses bad syntax,
 * duplicate keys (FHIR forbids them; a plain decoder would keep the last silently), nesting deeper than
 * maxDepth and arrays longer than maxArrayLength. Decimals are kept as BigDecimal so "1.50" stays
 * "1.50" (FHIR decimals carry their precision).
 */
public final class FhirJson {

  private final JsonFactory factory;
  private final FhirLimits limits;

  public FhirJson(FhirLimits limits) {
    this.limits = limits;
    this.factory = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(limits.maxDepth() + 2).build())
        .build();
  }

  /** Parses a resource body: a JSON object, else 400; limits exceeded, 422 too-costly. */
  public JsonObject parseObject(Buffer body) {
    if (body == null || body.length() == 0) {
      throw FhirException.of(400, "invalid", "the request body is empty; a JSON resource is required");
    }
    return parseObject(body.getBytes());
  }

  public JsonObject parseObject(byte[] bytes) {
    Object value = parse(bytes);
    if (!(value instanceof JsonObject object)) {
      throw FhirException.of(400, "invalid", "the request body must be a JSON object");
    }
    return object;
  }

  /** Parses any JSON value (object or array, e.g. a JSON Patch document). */
  public Object parse(byte[] bytes) {
    try (JsonParser parser = factory.createParser(bytes)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw FhirException.of(400, "invalid", "the request body is empty; JSON is required");
      }
      Object value = readValue(parser, first, 0, new StringBuilder(64).append('$'));
      if (parser.nextToken() != null) {
        throw FhirException.of(400, "invalid", "the request body has content after the JSON document");
      }
      return value;
    } catch (JsonParseException e) {
      throw FhirException.of(400, "invalid", "the request body is not valid JSON (line "
          + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
    } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
      throw tooDeep(null);
    } catch (IOException e) {
      throw FhirException.of(400, "invalid", "the request body could not be read as JSON");
    }
  }

  /**
   * {@code path} is where the value sits ("$.name[0]"), for messages only: one builder for the whole parse,
   * each level appending its step and cutting it off again, so that a valid body builds no path strings.
   */
  private Object readValue(JsonParser parser, JsonToken token, int depth, StringBuilder path) throws IOException {
    switch (token) {
      case START_OBJECT:
        return readObject(parser, depth + 1, path);
      case START_ARRAY:
        return readArray(parser, depth + 1, path);
      case VALUE_STRING:
        return parser.getText();
      case VALUE_NUMBER_INT:
        return parser.getNumberValue();
      case VALUE_NUMBER_FLOAT:
        return parser.getDecimalValue();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return null;
      default:
        throw FhirException.of(400, "invalid", "unexpected JSON token " + token);
    }
  }

  private JsonObject readObject(JsonParser parser, int depth, StringBuilder path) throws IOException {
    if (depth > limits.maxDepth()) {
      throw tooDeep(path.toString());
    }
    Map<String, Object> map = new LinkedHashMap<>();
    int mark = path.length();
    JsonToken token;
    while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      path.append('.').append(name);
      if (map.containsKey(name)) {
        throw FhirException.of(400, "structure", "duplicate JSON property", expression(path.toString()));
      }
      map.put(name, readValue(parser, parser.nextToken(), depth, path));
      path.setLength(mark);
    }
    if (token != JsonToken.END_OBJECT) {
      throw FhirException.of(400, "invalid", "the request body is not valid JSON");
    }
    return new JsonObject(map);
  }

  private JsonArray readArray(JsonParser parser, int depth, StringBuilder path) throws IOException {
    if (depth > limits.maxDepth()) {
      throw tooDeep(path.toString());
    }
    List<Object> list = new ArrayList<>();
    int mark = path.length();
    JsonToken token;
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
      if (token == null) {
        throw FhirException.of(400, "invalid", "the request body is not valid JSON");
      }
      if (list.size() == limits.maxArrayLength()) {
        throw FhirException.of(422, "too-costly", "an array is longer than the limit of " + limits.maxArrayLength()
            + " items", expression(path.toString()));
      }
      path.append('[').append(list.size()).append(']');
      list.add(readValue(parser, token, depth, path));
      path.setLength(mark);
    }
    return new JsonArray(list);
  }

  private FhirException tooDeep(String path) {
    return FhirException.of(422, "too-costly", "the JSON document nests deeper than the limit of "
        + limits.maxDepth() + " levels", path == null ? null : expression(path));
  }

  /** "$.name[0].given" → "name[0].given": FHIRPath-style, relative to the resource. */
  private static String expression(String path) {
    return path.startsWith("$.") ? path.substring(2) : path.substring(1);
  }
}
