package io.bastion.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {

  @Test
  void keysAreSortedAtEveryDepthAndArraysKeepTheirOrder() {
    JsonObject json = new JsonObject().put("b", 1).put("a", new JsonObject().put("z", true).put("y", "x"))
        .put("c", new JsonArray().add(new JsonObject().put("k2", 2).put("k1", 1)).add("second"));
    assertEquals("{\"a\":{\"y\":\"x\",\"z\":true},\"b\":1,\"c\":[{\"k1\":1,\"k2\":2},\"second\"]}",
        CanonicalJson.encode(json));
  }

  @Test
  void numbersAreWrittenAsGivenAndNullMembersAreLeftOut() {
    JsonObject json = new JsonObject().put("decimal", new BigDecimal("1.50")).put("long", 12345678901L)
        .put("missing", (String) null).put("double", 0.1);
    assertEquals("{\"decimal\":1.50,\"double\":0.1,\"long\":12345678901}", CanonicalJson.encode(json));
  }

  @Test
  void theSameContentInAnotherInsertionOrderEncodesToTheSameText() {
    JsonObject one = new JsonObject().put("name", "Zoë \"Z\"\n").put("id", "1");
    JsonObject two = new JsonObject().put("id", "1").put("name", "Zoë \"Z\"\n");
    assertEquals(CanonicalJson.encode(one), CanonicalJson.encode(two));
    assertEquals("{\"id\":\"1\",\"name\":\"Zoë \\\"Z\\\"\\n\"}", CanonicalJson.encode(one));
  }

  @Test
  void anEntryCarriesItsSequenceNumberInsideTheHashedText() {
    String entry = ChainHash.entry("{\"a\":1}", 42);
    assertEquals("{\"event\":{\"a\":1},\"seq\":42}", entry);
    assertEquals(42, ChainHash.seqOf(entry));
    assertEquals("{\"a\":1}", ChainHash.eventOf(entry));
    assertEquals(-1, ChainHash.seqOf("{\"event\":{}}"));
    assertEquals(entry, CanonicalJson.encode(new JsonObject(entry)), "an entry is itself canonical JSON");
  }
}
