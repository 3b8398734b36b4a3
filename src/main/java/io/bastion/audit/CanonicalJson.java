package io.bastion.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SegmentedStringWriter;
import com.fasterxml.jackson.core.util.BufferRecycler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Canonical JSON for hashing: object keys sorted (by UTF-16 code unit, which is code-point order for the
 * ASCII keys FHIR uses), no insignificant whitespace, numbers written as Java writes the value it was given,
 * strings escaped by Jackson, null members left out. The same content always encodes to the same bytes,
 * whatever the insertion order; that is all the chain needs, since verification re-hashes the stored text
 * and never re-encodes. Streams straight to text (no sorted copy of the tree): it runs once per audited
 * request on the caller's event loop.
 */
public final class CanonicalJson {

  private static final JsonFactory FACTORY = new JsonFactory();

  private CanonicalJson() {
  }

  public static String encode(JsonObject json) {
    SegmentedStringWriter out = new SegmentedStringWriter(new BufferRecycler());
    try {
      try (JsonGenerator generator = FACTORY.createGenerator(out)) {
        writeObject(generator, json.getMap());
      }
      return out.getAndClear();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail; a value we cannot write does not get here
    }
  }

  private static void writeObject(JsonGenerator generator, Map<?, ?> map) throws IOException {
    List<String> keys = new ArrayList<>(map.size());
    map.forEach((key, value) -> {
      if (value != null) {
        keys.add((String) key);
      }
    });
    Collections.sort(keys);
    generator.writeStartObject();
    for (String key : keys) {
      generator.writeFieldName(key);
      writeValue(generator, map.get(key));
    }
    generator.writeEndObject();
  }

  private static void writeValue(JsonGenerator generator, Object value) throws IOException {
    if (value == null) {
      generator.writeNull();
    } else if (value instanceof String text) {
      generator.writeString(text);
    } else if (value instanceof JsonObject object) {
      writeObject(generator, object.getMap());
    } else if (value instanceof Map<?, ?> map) {
      writeObject(generator, map);
    } else if (value instanceof JsonArray array) {
      writeArray(generator, array.getList());
    } else if (value instanceof List<?> list) {
      writeArray(generator, list);
    } else if (value instanceof Boolean bool) {
      generator.writeBoolean(bool);
    } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      generator.writeNumber(((Number) value).longValue());
    } else if (value instanceof BigDecimal decimal) {
      generator.writeNumber(decimal);
    } else if (value instanceof BigInteger integer) {
      generator.writeNumber(integer);
    } else if (value instanceof Double number) {
      generator.writeNumber(number);
    } else if (value instanceof Float number) {
      generator.writeNumber(number);
    } else if (value instanceof Instant instant) {
      generator.writeString(instant.toString());
    } else if (value instanceof Enum<?> constant) {
      generator.writeString(constant.name());
    } else {
      throw new IllegalArgumentException("no canonical JSON for " + value.getClass().getName());
    }
  }

  private static void writeArray(JsonGenerator generator, List<?> list) throws IOException {
    generator.writeStartArray();
    for (Object item : list) {
      writeValue(generator, item);
    }
    generator.writeEndArray();
  }
}
