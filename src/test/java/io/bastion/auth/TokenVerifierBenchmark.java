package io.bastion.auth;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Cost of verifying one bearer token with cached (static) keys: a fresh token each time (signature
 * check) and a token seen before (verified-token cache). Run: bench/jmh.sh TokenVerifierBenchmark
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TokenVerifierBenchmark {

  @Param({"RS256", "ES256", "EdDSA"})
  public String algorithm;

  private Vertx vertx;
  private TokenVerifier uncached;
  private TokenVerifier cached;
  private String token;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    TestKeys.Key key = switch (algorithm) {
      case "RS256" -> TestKeys.rsa("bench");
      case "ES256" -> TestKeys.ec("bench");
      default -> TestKeys.ed25519("bench");
    };
    Path pem = Files.createTempFile("bench-key", ".pem");
    Files.writeString(pem, key.publicPem());
    vertx = Vertx.vertx();
    uncached = TokenVerifier.create(vertx, config(pem, 0), Clock.systemUTC()).await();
    cached = TokenVerifier.create(vertx, config(pem, 1000), Clock.systemUTC()).await();
    long now = System.currentTimeMillis() / 1000;
    token = TestKeys.sign(key, new JsonObject().put("iss", TokenVerifierTest.ISSUER).put("aud", TokenVerifierTest.AUDIENCE)
        .put("sub", "user-42").put("exp", now + 3600).put("iat", now).put("nbf", now)
        .put("scope", "patient/Observation.rs user/Patient.read").put("patient", "pat-7"));
    if (uncached.verify(token).await() == null || cached.verify(token).await() == null) {
      throw new IllegalStateException("the benchmark token does not verify");
    }
  }

  private static AuthConfig config(Path pem, int verifiedCacheEntries) {
    AuthConfig base = TokenVerifierTest.config(null, List.of(pem), "", Duration.ofSeconds(60), Duration.ofSeconds(30));
    return new AuthConfig(base.enabled(), base.issuer(), base.audience(), null, base.publicKeyFiles(), base.hs256Secret(),
        base.algorithms(), base.clockSkew(), base.maxTokenBytes(), base.jwksCacheTtl(), base.jwksMinRefetch(),
        base.jwksTimeout(), base.jwksBreakerFailures(), base.jwksBreakerReset(), verifiedCacheEntries);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    vertx.close().await();
  }

  @Benchmark
  public Principal verifySignature() {
    return uncached.verify(token).result();
  }

  @Benchmark
  public Principal verifyKnownToken() {
    return cached.verify(token).result();
  }
}
