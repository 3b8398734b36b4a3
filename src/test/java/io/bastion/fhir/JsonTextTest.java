package io.bastion.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** JsonText writes exactly what Json.encode (Jackson) writes: a create's response body depends on it. */
class JsonTextTest {

  @ParameterizedTest
  @ValueSource(strings = {"auditevent-example", "condition-example", "documentreference-example", "encounter-example",
      "medicationrequest-example", "observation-example-bloodpressure", "patient-example"})
  void examplesAsParsedForACreate(String name) throws Exception {
    try (InputStream in = JsonTextTest.class.getResourceAsStream("/fhir/examples/" + name + ".json")) {
      JsonObject parsed = new FhirJson(FhirLimits.withBodyLimit(1 << 20)).parseObject(Buffer.buffer(in.readAllBytes()));
      assertEquals(parsed.encode(), JsonText.encode(parsed));
    }
  }

  @Test
  void everyKindOfValue() {
    Map<String, Object> raw = new LinkedHashMap<>();
    raw.put("inner", List.of(1, "two", Map.of("three", 3)));
    JsonObject value = new JsonObject()
        .put("strings", new JsonArray().add("").add("quote \" back \\ slash /").add("tab\tnl\ncr\rff\fbs\b")
            .add("\u0000\u0001\u001f\u007f\u2028").add("Zoë 東京 🙂").add("\ud800 lone surrogate"))
        .put("decimals", new JsonArray().add(new BigDecimal("1.50")).add(new BigDecimal("1E+3")).add(new BigDecimal("-0.000001"))
            .add(new BigDecimal("0E-10")).add(new BigDecimal("123456789012345678901234567890.5")))
        .put("integers", new JsonArray().add(0).add(-7).add(Long.MAX_VALUE).add(new BigInteger("123456789012345678901234567890"))
            .add((short) 3).add((byte) 4))
        .put("doubles", new JsonArray().add(1.0).add(1e21).add(-0.0).add(Double.NaN).add(Double.POSITIVE_INFINITY).add(1.5f))
        .put("literals", new JsonArray().add(true).add(false).addNull())
        .putNull("nothing").put("emptyObject", new JsonObject()).put("emptyArray", new JsonArray())
        .put("nested", new JsonObject().put("a", new JsonArray().add(new JsonArray().add(new JsonObject().put("b", 1)))))
        .put("instant", Instant.parse("2024-01-02T03:04:05.678Z")).put("bytes", new byte[] {1, 2, 3})
        .put("raw", raw).put("rawList", List.of("x", Map.of("y", "z")));
    assertEquals(value.encode(), JsonText.encode(value));
    assertEquals(Json.encode(value), JsonText.encode(value));
  }
}
