package io.bastion.security.waf.bodyprocessors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code JSON}: every scalar becomes an ARGS_POST member named by its path, as the CRS expects:
 * {@code {"a":{"b":[1,"x"]}}} gives {@code json.a.b.0=1} and {@code json.a.b.1=x}. Booleans are
 * {@code true}/{@code false}, null is empty. Depth is capped at {@value #MAX_DEPTH}; deeper or malformed
 * documents are a parse error (REQBODY_ERROR).
 */
public final class JsonProcessor implements BodyProcessor {

  static final int MAX_DEPTH = 256;
  private static final JsonFactory FACTORY = JsonFactory.builder().build();

  @Override
  public void process(String body, String contentType, BodyContext ctx) throws BodyParseException {
    byte[] bytes = body.getBytes(StandardCharsets.ISO_8859_1);
    try (JsonParser p = FACTORY.createParser(bytes)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw new BodyParseException("empty JSON body");
      }
      walk(p, t, new StringBuilder(64).append("json"), 0, ctx);
      if (p.nextToken() != null) {
        throw new BodyParseException("trailing data after JSON document");
      }
    } catch (IOException e) {
      throw new BodyParseException("JSON parse error: " + e.getMessage());
    }
  }

  /**
   * Walks the value at {@code t}, whose path is in {@code path}: one builder for the whole document, each name or
   * index appended on the way down and cut off on the way back, so only the arguments' own names become strings
   * (not every container's path as well).
   */
  private static void walk(JsonParser p, JsonToken t, StringBuilder path, int depth, BodyContext ctx)
      throws IOException, BodyParseException {
    if (depth > MAX_DEPTH) {
      throw new BodyParseException("JSON nested deeper than " + MAX_DEPTH);
    }
    int length = path.length();
    switch (t) {
      case START_OBJECT -> {
        boolean empty = true;
        for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
          path.append('.').append(bytes(p.currentName()));
          walk(p, p.nextToken(), path, depth + 1, ctx);
          path.setLength(length);
          empty = false;
        }
        emptyContainer(path, depth, empty, ctx);
      }
      case START_ARRAY -> {
        int i = 0;
        for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken()) {
          path.append('.').append(i++);
          walk(p, v, path, depth + 1, ctx);
          path.setLength(length);
        }
        emptyContainer(path, depth, i == 0, ctx);
      }
      case VALUE_NULL -> ctx.addPostArg(path.toString(), "");
      case VALUE_TRUE -> ctx.addPostArg(path.toString(), "true");
      case VALUE_FALSE -> ctx.addPostArg(path.toString(), "false");
      default -> ctx.addPostArg(path.toString(), bytes(p.getText()));
    }
  }

  /**
   * An empty object or array below the top is still a name the client chose ({@code {"${jndi:…}":{}}}): it
   * becomes an argument with an empty value, so ARGS_NAMES rules see it as they see the name of a null.
   */
  private static void emptyContainer(StringBuilder path, int depth, boolean empty, BodyContext ctx) {
    if (empty && depth > 0) {
      ctx.addPostArg(path.toString(), "");
    }
  }

  /** Back to the byte-string form the engine works in; ASCII (most names and values) is that form already. */
  static String bytes(String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      if (s.charAt(i) >= 0x80) {
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
      }
    }
    return s;
  }
}
