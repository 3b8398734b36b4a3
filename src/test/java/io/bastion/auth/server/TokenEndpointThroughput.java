package io.bastion.auth.server;

import io.bastion.Node;
import io.bastion.testsupport.TestNode;
import io.bastion.testsupport.TestStores;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * Not a test: the measurement behind bench/token-endpoint.sh. A real node (auth on) on a fresh database and
 * one ES256 private_key_jwt client; {@code inFlight} token requests are kept going (each a new signed
 * assertion: signature check, jti insert, audit append, token signature); after a warm-up, counts 200s and
 * their latency. Assertions are signed by the client before they are sent, outside the timed request.
 * Arguments: inFlight warmupSeconds measureSeconds.
 */
public final class TokenEndpointThroughput {

  private TokenEndpointThroughput() {
  }

  public static void main(String[] args) throws Exception {
    int inFlight = args.length > 0 ? Integer.parseInt(args[0]) : 16;
    int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int measure = args.length > 2 ? Integer.parseInt(args[2]) : 15;
    Node node = Node.start(TestNode.config(Map.of("postgres.url", TestStores.newDatabase(), "log.access-log", "false",
        "auth.enabled", "true", "auth.server.requests-per-minute", "100000", "log.level", "WARN")))
        .toCompletionStage().toCompletableFuture().get();
    TokenClient client = TokenClient.es256("bench");
    var blocking = node.vertx().createSharedWorkerExecutor("bench", 1);
    client.clientId = new ClientRegistry(node.pool(), blocking, Clock.systemUTC(), new SecureRandom())
        .register(ClientRequest.fromJson(new JsonObject().put("name", "bench").put("scopes", "system/*.rs")
            .put("jwks", client.publicJwks())), "bench").toCompletionStage().toCompletableFuture().get().client().clientId();
    WebClient http = WebClient.create(node.vertx(), new WebClientOptions().setDefaultHost("localhost")
        .setDefaultPort(node.httpPort()), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(inFlight));
    String audience = "http://localhost:" + node.httpPort() + "/auth/token";
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicBoolean running = new AtomicBoolean(true);
    ConcurrentHistogram latency = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(30), 3);
    Runnable[] loop = new Runnable[1];
    loop[0] = () -> {
      if (!running.get()) {
        return;
      }
      java.time.Instant now = java.time.Instant.now();
      String assertion = client.sign(new com.nimbusds.jwt.JWTClaimsSet.Builder().issuer(client.clientId)
          .subject(client.clientId).audience(audience).expirationTime(java.util.Date.from(now.plusSeconds(120)))
          .jwtID(java.util.UUID.randomUUID().toString()).build());
      String body = "grant_type=client_credentials&client_assertion_type="
          + URLEncoder.encode(ClientAuthenticator.ASSERTION_TYPE, StandardCharsets.UTF_8)
          + "&client_assertion=" + assertion;
      long start = System.nanoTime();
      http.post("/auth/token").putHeader("Content-Type", "application/x-www-form-urlencoded")
          .sendBuffer(Buffer.buffer(body)).onComplete(done -> {
            if (done.succeeded() && done.result().statusCode() == 200) {
              ok.incrementAndGet();
              latency.recordValue(Math.min(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start),
                  TimeUnit.SECONDS.toMicros(30)));
            } else {
              failed.incrementAndGet();
            }
            loop[0].run();
          });
    };
    node.vertx().runOnContext(v -> {
      for (int i = 0; i < inFlight; i++) {
        loop[0].run();
      }
    });
    Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
    latency.reset();
    long before = ok.get();
    long start = System.nanoTime();
    Thread.sleep(TimeUnit.SECONDS.toMillis(measure));
    long count = ok.get() - before;
    double seconds = (System.nanoTime() - start) / 1e9;
    running.set(false);
    System.out.printf("token endpoint throughput: %.0f tokens/s (%d in %.1f s; %d in flight), latency p50 %.1f ms, "
            + "p99 %.1f ms, max %.1f ms, failed %d%n", count / seconds, count, seconds, inFlight,
        latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(99) / 1000.0,
        latency.getMaxValue() / 1000.0, failed.get());
    Thread.sleep(1000);
    blocking.close();
    node.stop().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    System.exit(0);
  }
}
