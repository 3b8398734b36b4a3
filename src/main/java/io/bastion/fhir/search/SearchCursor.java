package io.bastion.fhir.search;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Where a search page ended: the sort-key values of its last match (as PostgreSQL text, null for none)
 * and its res_pk. The next page starts strictly after it in the search's order, so each match is returned
 * once however many resources are written between pages (keyset paging; no OFFSET to shift).
 */
record SearchCursor(List<String> keys, long resourcePk) {

  String encode() {
    JsonArray array = new JsonArray();
    keys.forEach(array::add);
    array.add(resourcePk);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(array.encode().getBytes(StandardCharsets.UTF_8));
  }

  /** @throws IllegalArgumentException when the token is not one this server made for this many sort keys */
  static SearchCursor decode(String token, int keyCount) {
    try {
      JsonArray array = new JsonArray(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
      if (array.size() != keyCount + 1 || !(array.getValue(keyCount) instanceof Number pk) || pk.longValue() < 0) {
        throw new IllegalArgumentException("not a page token");
      }
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < keyCount; i++) {
        Object value = array.getValue(i);
        if (value != null && !(value instanceof String)) {
          throw new IllegalArgumentException("not a page token");
        }
        keys.add((String) value);
      }
      return new SearchCursor(keys, pk.longValue());
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException("not a page token", e);
    }
  }
}
