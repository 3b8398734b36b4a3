package io.bastion.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Bastion as its own issuer: its base URL (the {@code iss} of its tokens; the FHIR base is their
 * {@code aud}, {@code /auth/token} the audience of client assertions) and the public half of its signing
 * keys, which the {@link TokenVerifier} reads in-process: a Bastion-issued token is verified without an
 * HTTP round trip. The key server ({@code auth.server.SigningKeys}) publishes a new set after each load
 * or rotation. Thread-safe: every gateway instance reads it.
 */
public final class LocalIssuer {

  /** The algorithms Bastion signs with; accepted for local tokens whatever auth.algorithms says. */
  public static final Set<String> ALGORITHMS = Set.of("ES256", "RS256");
  public static final String TOKEN_PATH = "/auth/token";

  private final String configuredBaseUrl;
  private final IntSupplier boundPort;
  private final boolean tls;
  private final AtomicReference<KeySet> keys = new AtomicReference<>(KeySet.EMPTY);
  private volatile Supplier<Future<?>> refresher = Future::succeededFuture;

  /**
   * @param configuredBaseUrl auth.server.base-url, or empty for {@code http(s)://localhost:<port>}
   * @param boundPort         the gateway's port once it listens (-1 before)
   */
  public LocalIssuer(String configuredBaseUrl, IntSupplier boundPort, boolean tls) {
    this.configuredBaseUrl = configuredBaseUrl;
    this.boundPort = boundPort;
    this.tls = tls;
  }

  /** The issuer, or null while the port is not bound yet (and no base URL is configured). */
  public String issuer() {
    if (!configuredBaseUrl.isEmpty()) {
      return configuredBaseUrl;
    }
    int port = boundPort.getAsInt();
    return port < 0 ? null : (tls ? "https" : "http") + "://localhost:" + port;
  }

  /** The audience of client assertions: the token endpoint's URL. */
  public String tokenEndpoint() {
    String issuer = issuer();
    return issuer == null ? null : issuer + TOKEN_PATH;
  }

  /** The audience of the access tokens Bastion issues: its FHIR base URL. */
  public String fhirAudience() {
    String issuer = issuer();
    return issuer == null ? null : issuer + "/fhir";
  }

  /**
   * Replaces the verification keys with these public JWKs (each with kid, alg and use). Builds the
   * key set with the JCA: call on a worker thread.
   */
  public void publish(Vertx vertx, List<JsonObject> publicJwks) {
    keys.set(KeySet.of(vertx, publicJwks, -1));
  }

  /** How the verifier asks for a reload when a token names a kid it does not know (another node rotated). */
  public void refresher(Supplier<Future<?>> refresher) {
    this.refresher = refresher;
  }

  KeySet keys() {
    return keys.get();
  }

  Future<?> refresh() {
    return refresher.get();
  }
}
