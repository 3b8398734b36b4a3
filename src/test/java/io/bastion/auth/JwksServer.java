package io.bastion.auth;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** A real local identity provider's JWKS endpoint: serves a key set, or fails, and counts its hits. */
final class JwksServer implements AutoCloseable {

  private final HttpServer server;
  private final AtomicReference<JsonObject> document = new AtomicReference<>(new JsonObject().put("keys", new JsonArray()));
  private final AtomicInteger status = new AtomicInteger(200);
  private final AtomicInteger hits = new AtomicInteger();

  private JwksServer(HttpServer server) {
    this.server = server;
  }

  static JwksServer start(Vertx vertx) {
    AtomicReference<JwksServer> self = new AtomicReference<>();
    HttpServer server = vertx.createHttpServer().requestHandler(request -> {
      JwksServer jwks = self.get();
      jwks.hits.incrementAndGet();
      int code = jwks.status.get();
      if (code == 200) {
        request.response().putHeader("Content-Type", "application/jwk-set+json").end(jwks.document.get().encode());
      } else {
        request.response().setStatusCode(code).end("identity provider unavailable");
      }
    });
    JwksServer jwks = new JwksServer(server);
    self.set(jwks);
    server.listen(0, "127.0.0.1").await();
    return jwks;
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/jwks";
  }

  void publish(List<JsonObject> keys) {
    document.set(new JsonObject().put("keys", new JsonArray(List.copyOf(keys))));
  }

  void failWith(int code) {
    status.set(code);
  }

  int hits() {
    return hits.get();
  }

  @Override
  public void close() {
    server.close().await();
  }
}
