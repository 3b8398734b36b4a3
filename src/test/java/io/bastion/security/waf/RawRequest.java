package io.bastion.security.waf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Parses a raw HTTP/1.x request (as a server would: request line, headers, de-chunked body). */
final class RawRequest {

  private RawRequest() {
  }

  static WafRequest parse(byte[] raw) {
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    int headEnd = text.indexOf("\r\n\r\n");
    int sepLen = 4;
    if (headEnd < 0) {
      headEnd = text.indexOf("\n\n");
      sepLen = 2;
    }
    String head = headEnd < 0 ? text : text.substring(0, headEnd);
    String body = headEnd < 0 ? "" : text.substring(headEnd + sepLen);
    String[] lines = head.split("\r?\n");
    String[] requestLine = lines[0].split(" ", 3);
    List<WafRequest.Header> headers = new ArrayList<>();
    boolean chunked = false;
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String name = lines[i].substring(0, colon).trim();
      String value = lines[i].substring(colon + 1).trim();
      headers.add(new WafRequest.Header(name, value));
      chunked |= name.equalsIgnoreCase("Transfer-Encoding") && value.toLowerCase().contains("chunked");
    }
    byte[] bodyBytes = body.getBytes(StandardCharsets.ISO_8859_1);
    if (chunked) {
      bodyBytes = dechunk(body);
    }
    return new WafRequest(requestLine[0], requestLine.length > 1 ? requestLine[1] : "/",
        requestLine.length > 2 ? requestLine[2] : "", headers, bodyBytes, "127.0.0.1");
  }

  static byte[] dechunk(String body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int pos = 0;
    while (pos < body.length()) {
      int eol = body.indexOf("\r\n", pos);
      if (eol < 0) {
        break;
      }
      int size;
      try {
        size = Integer.parseInt(body.substring(pos, eol).split(";")[0].trim(), 16);
      } catch (NumberFormatException e) {
        break;
      }
      if (size == 0) {
        break;
      }
      int start = eol + 2;
      int end = Math.min(body.length(), start + size);
      out.writeBytes(body.substring(start, end).getBytes(StandardCharsets.ISO_8859_1));
      pos = end + 2;
    }
    return out.toByteArray();
  }
}
