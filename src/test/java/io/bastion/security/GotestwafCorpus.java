package io.bastion.security;

import io.bastion.security.waf.WafCorpus;
import io.bastion.security.waf.WafRequest;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * {@code ../shared/waf-corpus/converted/gotestwaf.jsonl} as {@link WafSample}s: 471 attacks in 20 classes,
 * each placed in a query parameter, a FHIR JSON body and a custom header (plus XML bodies and User-Agent),
 * and gotestwaf's 141 benign texts placed the same way. A client's usual headers (Host, a browser
 * User-Agent, Accept) are added where the line does not set them, as gotestwaf's own client does, so that
 * no rule set is credited for flagging a request merely for lacking them.
 */
final class GotestwafCorpus {

  static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
      + "Chrome/120.0.0.0 Safari/537.36";

  private GotestwafCorpus() {
  }

  static List<WafSample> load() throws IOException {
    List<WafSample> out = new ArrayList<>();
    for (JsonObject o : lines("converted/gotestwaf.jsonl")) {
      out.add(sample(o, o.getString("class")));
    }
    return out;
  }

  /**
   * The attack stages of the CRS regression suite for the attack families (930 LFI ... 944 Java): requests
   * the CRS expects to flag, written for the CRS and never used to tune Bastion's rules - a held-out check
   * of their detection. The category is the family (e.g. {@code crs-942}).
   */
  static List<WafSample> crsAttacks() throws IOException {
    List<WafSample> out = new ArrayList<>();
    for (JsonObject o : lines("converted/crs-regression.jsonl")) {
      JsonObject crs = o.getJsonObject("crs");
      int rule = crs.getInteger("rule_id");
      if (!crs.getJsonArray("expect_ids").isEmpty() && rule >= 930_000 && rule < 945_000 && !o.containsKey("raw_b64")) {
        out.add(sample(o, "crs-" + rule / 1000));
      }
    }
    return out;
  }

  private static List<JsonObject> lines(String file) throws IOException {
    List<JsonObject> out = new ArrayList<>();
    for (String line : Files.readAllLines(WafCorpus.dir().resolve(file), StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        out.add(new JsonObject(line));
      }
    }
    return out;
  }

  private static WafSample sample(JsonObject o, String category) {
    {
      List<WafRequest.Header> headers = new ArrayList<>();
      JsonObject given = o.getJsonObject("headers", new JsonObject());
      for (Map.Entry<String, Object> h : given) {
        headers.add(new WafRequest.Header(h.getKey(), String.valueOf(h.getValue())));
      }
      byte[] body = o.containsKey("body_b64") ? Base64.getDecoder().decode(o.getString("body_b64"))
          : o.getString("body", "").getBytes(StandardCharsets.UTF_8);
      if (o.getBoolean("autocomplete", true)) {
        addIfAbsent(headers, "Host", "localhost:8080");
        addIfAbsent(headers, "User-Agent", BROWSER);
        addIfAbsent(headers, "Accept", "application/fhir+json");
        if (body.length > 0) {
          addIfAbsent(headers, "Content-Length", Integer.toString(body.length));
        }
      }
      return new WafSample(o.getString("id"), !"benign".equals(o.getString("kind")), category,
          new WafRequest(o.getString("method"), o.getString("path"), o.getString("version", "HTTP/1.1"), headers, body,
              "192.0.2.10"));
    }
  }

  private static void addIfAbsent(List<WafRequest.Header> headers, String name, String value) {
    for (WafRequest.Header h : headers) {
      if (h.name().equalsIgnoreCase(name)) {
        return;
      }
    }
    headers.add(new WafRequest.Header(name, value));
  }
}
