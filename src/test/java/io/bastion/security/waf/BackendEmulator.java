package io.bastion.security.waf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The response go-ftw's test backend (albedo) would give, so the CRS response rules have something to
 * inspect: {@code POST /reflect} with a JSON body {@code {"status", "headers", "body" | "encodedBody"}}
 * answers exactly that; everything else is a 200 with an empty body. Like Go's HTTP server, a missing
 * Content-Type is sniffed: {@code text/html} when the body starts with a tag, else {@code text/plain}.
 */
final class BackendEmulator {

  private static final ObjectMapper JSON = new ObjectMapper();

  private BackendEmulator() {
  }

  static WafResponse respond(WafRequest request) {
    String path = request.uri();
    if (!path.startsWith("/reflect") || request.body().length == 0) {
      return new WafResponse(200, "HTTP/1.1", List.of(new WafRequest.Header("Content-Type",
          "text/plain; charset=utf-8")), new byte[0]);
    }
    try {
      JsonNode spec = JSON.readTree(request.body());
      int status = spec.path("status").asInt(200);
      List<WafRequest.Header> headers = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = spec.path("headers").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        headers.add(new WafRequest.Header(e.getKey(), e.getValue().asText()));
      }
      byte[] body = spec.hasNonNull("encodedBody") ? Base64.getDecoder().decode(spec.get("encodedBody").asText())
          : spec.path("body").asText("").getBytes(StandardCharsets.UTF_8);
      if (headers.stream().noneMatch(h -> h.name().equalsIgnoreCase("Content-Type"))) {
        String start = new String(body, StandardCharsets.ISO_8859_1).stripLeading().toLowerCase();
        boolean html = start.startsWith("<!doctype html") || start.startsWith("<html") || start.startsWith("<head")
            || start.startsWith("<script") || start.startsWith("<body") || start.startsWith("<div")
            || start.startsWith("<p") || start.startsWith("<table") || start.startsWith("<!--");
        headers.add(new WafRequest.Header("Content-Type", (html ? "text/html" : "text/plain") + "; charset=utf-8"));
      }
      return new WafResponse(status, "HTTP/1.1", headers, body);
    } catch (IOException | IllegalArgumentException e) {
      return new WafResponse(400, "HTTP/1.1", List.of(), new byte[0]);
    }
  }
}
