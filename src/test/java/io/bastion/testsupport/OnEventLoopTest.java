package io.bastion.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import org.junit.jupiter.api.Test;

class OnEventLoopTest {

  /**
   * The pattern that lost requests: sequential GETs on kept-alive connections, each awaited by a thread outside
   * Vert.x. Called from that thread, Vert.x 5.0.7's client left about 4 of 6,000 without an answer (the
   * reproducer in docs/benchmarks.md); issued through OnEventLoop, every one is answered.
   */
  @Test
  void everySequentialRequestFromOutsideVertxIsAnswered() {
    Vertx server = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    Vertx client = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    try {
      Buffer[] bodies = {Buffer.buffer(new byte[5_000]), Buffer.buffer(new byte[20_000]), Buffer.buffer(new byte[60_000])};
      HttpServer http = server.createHttpServer()
          .requestHandler(request -> request.response().end(bodies[Integer.parseInt(request.getParam("n")) % 3]))
          .listen(0, "127.0.0.1").await();
      HttpClient httpClient = client.httpClientBuilder().with(new HttpClientOptions().setKeepAlive(true)).build();
      OnEventLoop loop = new OnEventLoop(client);
      int answered = 0;
      for (int i = 0; i < 6_000; i++) {
        RequestOptions get = new RequestOptions().setHost("127.0.0.1").setPort(http.actualPort()).setURI("/?n=" + i);
        int length = loop.await(() -> httpClient.request(get).compose(r -> r.send())
            .compose(response -> response.body().map(Buffer::length)), 5);
        assertEquals(bodies[i % 3].length(), length);
        answered++;
      }
      assertEquals(6_000, answered);
    } finally {
      client.close().await();
      server.close().await();
    }
  }

  @Test
  void aCallThatThrowsFailsItsFutureAndAnUnansweredOneTimesOut() {
    Vertx vertx = Vertx.vertx();
    try {
      OnEventLoop loop = new OnEventLoop(vertx);
      IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
          () -> loop.call(() -> { throw new IllegalArgumentException("bad request"); }).await());
      assertEquals("bad request", thrown.getMessage());
      IllegalStateException late = assertThrows(IllegalStateException.class, () -> loop.await(() -> Promise.<Void>promise().future(), 1));
      assertTrue(late.getMessage().contains("no answer within 1 s"), late.getMessage());
      assertTrue(loop.call(() -> Future.succeededFuture(Vertx.currentContext().isEventLoopContext())).await(),
          "the call runs on an event loop");
    } finally {
      vertx.close().await();
    }
  }
}
