package io.bastion.security.waf;

import java.util.List;

/**
 * What the engine sees of a response for phases 3 and 4 (response inspection, off by default).
 *
 * @param status   the status code
 * @param protocol the protocol, e.g. {@code HTTP/1.1}
 * @param headers  the response headers in order
 * @param body     the response body (possibly empty, never null)
 */
public record WafResponse(int status, String protocol, List<WafRequest.Header> headers, byte[] body) {

  public WafResponse {
    protocol = protocol == null ? "HTTP/1.1" : protocol;
    headers = List.copyOf(headers);
    body = body == null ? new byte[0] : body;
  }

  /** The first header with that name (case-insensitive), or null. */
  public String header(String name) {
    for (WafRequest.Header h : headers) {
      if (h.name().equalsIgnoreCase(name)) {
        return h.value();
      }
    }
    return null;
  }
}
