package io.bastion.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

/** One request of a scenario: method, path below the FHIR base (starting with '/'), body or null. */
record LoadRequest(HttpMethod method, String path, Buffer body) {

  static LoadRequest get(String path) {
    return new LoadRequest(HttpMethod.GET, path, null);
  }

  static LoadRequest post(String path, Buffer body) {
    return new LoadRequest(HttpMethod.POST, path, body);
  }
}
