package io.bastion.security.waf;

import java.util.List;
import java.util.Objects;

/**
 * What the engine sees of an HTTP request: the request line as received, the headers in order (duplicates
 * allowed) and the body bytes. Deliberately free of Vert.x types so the engine can be tested and
 * benchmarked on its own.
 *
 * @param method     the request method, as sent
 * @param uri        the request target, as sent (path and query, not decoded)
 * @param protocol   the protocol token of the request line, e.g. {@code HTTP/1.1}
 * @param headers    the request headers in arrival order
 * @param body       the request body (possibly empty, never null)
 * @param remoteAddr the client address
 */
public record WafRequest(String method, String uri, String protocol, List<Header> headers, byte[] body,
    String remoteAddr) {

  public WafRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(uri, "uri");
    protocol = protocol == null ? "HTTP/1.1" : protocol;
    headers = List.copyOf(headers);
    body = body == null ? new byte[0] : body;
    remoteAddr = remoteAddr == null ? "" : remoteAddr;
  }

  /** One request header, name as sent. */
  public record Header(String name, String value) {
  }

  /** The first header with that name (case-insensitive), or null. */
  public String header(String name) {
    for (Header h : headers) {
      if (h.name().equalsIgnoreCase(name)) {
        return h.value();
      }
    }
    return null;
  }
}
