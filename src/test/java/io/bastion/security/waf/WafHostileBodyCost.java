package io.bastion.security.waf;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the costliest bodies we know of cost the engine, per request, at the size the gateway inspects
 * ({@code -Dsize}, default 128 KiB): many tiny JSON values, many JSON keys, one long SQL-looking value, deep
 * nesting, many form parameters, and a "billion laughs" XML body. Bodies up to 16 KiB are inspected on the event
 * loop, larger ones up to {@code waf.request-body-limit} (1 MiB) on the WAF's workers, so at those two sizes these
 * are the longest a single unauthenticated request can hold a loop or a worker. Prints the best wall time of warm
 * runs and the verdict. Not a test.
 * Run: {@code java -cp "target/test-classes:target/classes:$(cat target/jmh-classpath.txt)"
 * io.bastion.security.waf.WafHostileBodyCost builtin crs-pl1} (rule sets as in {@link WafEngineBenchmark};
 * {@code -Dsize=N} for another body size).
 */
public final class WafHostileBodyCost {

  private WafHostileBodyCost() {
  }

  public static void main(String[] args) throws Exception {
    int size = Integer.getInteger("size", 128 * 1024 - 64);
    String[][] bodies = {
        {"json-tiny-values", jsonTinyValues(size), "application/fhir+json"},
        {"json-many-keys", jsonManyKeys(size), "application/fhir+json"},
        {"json-long-sql-like-value", "{\"resourceType\":\"Patient\",\"text\":\""
            + "select from where union ' or 1=1 -- <script> ".repeat(size / 50) + "\"}", "application/fhir+json"},
        {"json-nested", "{\"a\":".repeat(size / 6) + "1" + "}".repeat(size / 6), "application/fhir+json"},
        {"form-many-params", formManyParams(size), "application/x-www-form-urlencoded"},
        {"xml-billion-laughs", billionLaughs(), "application/fhir+xml"}};
    for (String rules : args.length == 0 ? new String[] {"builtin", "crs-pl1"} : args) {
      WafEngine engine = new WafEngine(WafEngineBenchmark.load(rules));
      for (String[] body : bodies) {
        WafRequest request = request(body[1].getBytes(StandardCharsets.UTF_8), body[2]);
        double best = Double.MAX_VALUE;
        String verdict = "";
        for (int run = 0; run < 40; run++) { // the first runs warm the JIT up; the best is the warm cost
          long start = System.nanoTime();
          Transaction tx = WafEngineBenchmark.run(engine, request);
          best = Math.min(best, (System.nanoTime() - start) / 1e6);
          verdict = tx.interruption() == null ? "passed" : "blocked " + tx.interruption().status();
        }
        System.out.printf("%-8s %-25s %8d bytes  best %7.1f ms  %s%n", rules, body[0], request.body().length, best,
            verdict);
      }
    }
  }

  private static WafRequest request(byte[] body, String contentType) {
    return new WafRequest("POST", "/fhir/Patient", "HTTP/1.1", List.of(
        new WafRequest.Header("Host", "fhir.example.org"), new WafRequest.Header("Content-Type", contentType),
        new WafRequest.Header("Content-Length", String.valueOf(body.length)),
        new WafRequest.Header("User-Agent", "hostile-body-cost"), new WafRequest.Header("Accept", "*/*")),
        body, "10.1.2.3");
  }

  private static String jsonTinyValues(int size) {
    StringBuilder s = new StringBuilder("{\"resourceType\":\"Patient\",\"x\":[");
    while (s.length() < size - 8) {
      s.append("\"a\",");
    }
    return s.append("\"a\"]}").toString();
  }

  private static String jsonManyKeys(int size) {
    StringBuilder s = new StringBuilder("{\"resourceType\":\"Patient\"");
    for (int i = 0; s.length() < size - 16; i++) {
      s.append(",\"k").append(i).append("\":1");
    }
    return s.append('}').toString();
  }

  private static String formManyParams(int size) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; s.length() < size - 16; i++) {
      s.append('a').append(i).append("=b&");
    }
    return s.append("z=b").toString();
  }

  private static String billionLaughs() {
    StringBuilder s = new StringBuilder("<!DOCTYPE lolz [<!ENTITY lol \"lol\">");
    for (int i = 1; i <= 9; i++) {
      s.append("<!ENTITY lol").append(i).append(" \"").append(("&lol" + (i == 1 ? "" : i - 1) + ";").repeat(10))
          .append("\">");
    }
    return s.append("]><Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"&lol9;\"/></name></Patient>")
        .toString();
  }
}
