package io.bastion.audit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Canonical JSON for hashing: object keys sorted by code point (UTF-16 order equals code-point order for the
 * ASCII keys FHIR uses), no insignificant whitespace, numbers written as Java writes the value it was given,
 * strings escaped by the same encoder as everything else. The same input always encodes to the same bytes,
 * which is all the chain needs: verification re-hashes the stored text, it never re-encodes.
 */
public final class CanonicalJson {

  private CanonicalJson() {
  }

  public static String encode(JsonObject json) {
    return new JsonObject(sorted(json.getMap())).encode();
  }

  private static Map<String, Object> sorted(Map<String, Object> map) {
    Map<String, Object> out = new TreeMap<>();
    map.forEach((key, value) -> {
      if (value != null) {
        out.put(key, canonical(value));
      }
    });
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Object canonical(Object value) {
    if (value instanceof JsonObject object) {
      return sorted(object.getMap());
    }
    if (value instanceof Map<?, ?> map) {
      return sorted((Map<String, Object>) map);
    }
    if (value instanceof JsonArray array) {
      return canonicalList(array.getList());
    }
    if (value instanceof List<?> list) {
      return canonicalList(list);
    }
    return value;
  }

  private static List<Object> canonicalList(List<?> list) {
    List<Object> out = new ArrayList<>(list.size());
    for (Object item : list) {
      out.add(canonical(item));
    }
    return out;
  }
}
