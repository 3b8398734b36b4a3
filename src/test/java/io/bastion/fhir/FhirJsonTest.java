package io.bastion.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** The limited FHIR JSON reader: exact decimals, duplicate keys, depth and array limits at their edges. */
class FhirJsonTest {

  private final FhirJson json = new FhirJson(new FhirLimits(1 << 20, 4, 3, 1000, 20));

  @Test
  void decimalsKeepTheirPrecisionThroughEncoding() {
    JsonObject parsed = json.parseObject(Buffer.buffer("{\"a\":1.50,\"b\":1e2,\"c\":7,\"d\":12345678901234567890}"));
    assertEquals(new BigDecimal("1.50"), parsed.getValue("a"));
    assertTrue(parsed.encode().contains("\"a\":1.50"), parsed.encode());
    assertEquals(7, parsed.getInteger("c"));
    assertEquals("12345678901234567890", parsed.getValue("d").toString());
  }

  @Test
  void depthAtTheLimitPassesAndOneDeeperFails() {
    json.parseObject(Buffer.buffer("{\"a\":{\"b\":[{\"c\":1}]}}")); // 4 levels
    FhirException deeper = assertThrows(FhirException.class,
        () -> json.parseObject(Buffer.buffer("{\"a\":{\"b\":[{\"c\":[1]}]}}")));
    assertEquals(422, deeper.status());
    assertEquals("a.b[0].c", deeper.issues().getJsonObject(0).getJsonArray("expression").getString(0));
  }

  @Test
  void arraysAtTheLimitPassAndLongerFail() {
    json.parseObject(Buffer.buffer("{\"a\":[1,2,3]}"));
    FhirException longer = assertThrows(FhirException.class, () -> json.parseObject(Buffer.buffer("{\"a\":[1,2,3,4]}")));
    assertEquals(422, longer.status());
    assertEquals("too-costly", longer.issues().getJsonObject(0).getString("code"));
  }

  @Test
  void syntaxErrorsDuplicatesAndNonObjectsAre400() {
    assertEquals(400, assertThrows(FhirException.class, () -> json.parseObject(Buffer.buffer("{\"a\":}"))).status());
    assertEquals(400, assertThrows(FhirException.class, () -> json.parseObject(Buffer.buffer("{\"a\":1,\"a\":2}"))).status());
    assertEquals(400, assertThrows(FhirException.class, () -> json.parseObject(Buffer.buffer("\"text\""))).status());
    assertEquals(400, assertThrows(FhirException.class, () -> json.parseObject(Buffer.buffer("{}{}"))).status());
    assertEquals(400, assertThrows(FhirException.class, () -> json.parseObject(Buffer.buffer(""))).status());
  }

  /** The expression of a failure names where it is, also after siblings were read (one path builder per parse). */
  @Test
  void failuresNameTheirPlace() {
    assertEquals("a[1].b", expression("{\"a\":[{\"x\":1},{\"b\":1,\"b\":2}]}"));
    assertEquals("z", expression("{\"p\":{\"q\":[1,{\"r\":2}]},\"p2\":[[1]],\"z\":1,\"z\":2}"));
    assertEquals("n.a", expression("{\"m\":[1,2],\"n\":{\"a\":[1,2,3,4]}}"));
    assertEquals("x[2].y.z", expression("{\"x\":[1,2,{\"y\":{\"z\":{\"w\":1}}}]}"));
  }

  private String expression(String body) {
    FhirException failure = assertThrows(FhirException.class, () -> json.parseObject(Buffer.buffer(body)));
    return failure.issues().getJsonObject(0).getJsonArray("expression").getString(0);
  }

  @Test
  void hugeNestingNeverOverflowsTheStack() {
    String deep = "[".repeat(200_000) + "]".repeat(200_000);
    FhirException failure = assertThrows(FhirException.class, () -> json.parse(deep.getBytes()));
    assertEquals(422, failure.status());
  }
}
