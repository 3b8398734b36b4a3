package io.bastion.auth.server;

import io.bastion.audit.AuditTrail;
import io.bastion.auth.AuthConfig;
import io.bastion.auth.LocalIssuer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.sqlclient.Pool;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bastion's token endpoint, assembled: the signing-key ring, the client registry and its management
 * service, the token route module, and a minute timer that forgets expired assertion ids. Built by the
 * composition root when auth.server.enabled.
 */
public final class AuthServer {

  private static final Logger LOG = LoggerFactory.getLogger(AuthServer.class);
  private static final Duration JTI_SWEEP = Duration.ofMinutes(1);

  private final Vertx vertx;
  private final SigningKeys keys;
  private final ClientJwks clientJwks;
  private final ClientService clients;
  private final TokenEndpoint endpoint;
  private final ReplayStore replays;
  private final Clock clock;
  private long sweeper = -1;

  private AuthServer(Vertx vertx, SigningKeys keys, ClientJwks clientJwks, ClientService clients, TokenEndpoint endpoint,
      ReplayStore replays, Clock clock) {
    this.vertx = vertx;
    this.keys = keys;
    this.clientJwks = clientJwks;
    this.clients = clients;
    this.endpoint = endpoint;
    this.replays = replays;
    this.clock = clock;
  }

  /**
   * Loads (or creates) the signing keys and publishes them to {@code issuer}, so the verifier accepts
   * Bastion's tokens from the first request.
   *
   * @param fallbackKey admin.mfa-key, used to seal the signing keys when auth.server.key-encryption-key is empty
   */
  public static Future<AuthServer> start(Vertx vertx, Pool pool, WorkerExecutor blocking, Clock clock, AuthConfig auth,
      AuthServerConfig config, byte[] fallbackKey, LocalIssuer issuer, AuditTrail trail, String node, SecureRandom random) {
    SigningKeySealer sealer = new SigningKeySealer(config.keyEncryptionKey() != null ? config.keyEncryptionKey() : fallbackKey,
        random);
    SigningKeys keys = new SigningKeys(vertx, pool, blocking, clock, config, auth.clockSkew(), issuer, sealer);
    ClientRegistry registry = new ClientRegistry(pool, blocking, clock, random);
    ClientJwks clientJwks = new ClientJwks(vertx, clock, config.jwksUriCacheTtl());
    ReplayStore replays = new ReplayStore(pool);
    ClientAuthenticator authenticator = new ClientAuthenticator(registry, clientJwks, replays, issuer, clock,
        auth.clockSkew(), config.maxAssertionLifetime(), auth.maxTokenBytes());
    TokenEndpoint endpoint = new TokenEndpoint(issuer, keys, authenticator,
        new TokenIssuer(keys, issuer, clock, config.tokenLifetime(), random),
        new TokenRateLimiter(clock, config.requestsPerMinute()), trail, node, clock);
    AuthServer server = new AuthServer(vertx, keys, clientJwks, new ClientService(registry, trail, node, clock), endpoint,
        replays, clock);
    return keys.start().map(v -> {
      server.sweeper = vertx.setPeriodic(JTI_SWEEP.toMillis(), id -> replays.forgetExpired(clock.instant())
          .onFailure(e -> LOG.warn("auth.server: expired assertion ids not cleared ({})", e.toString())));
      LOG.info("token endpoint at {}: {} access tokens for {} s, keys rotated every {} days", LocalIssuer.TOKEN_PATH,
          config.signingAlg(), config.tokenLifetime().toSeconds(), config.keyRotation().toDays());
      return server;
    });
  }

  public TokenEndpoint routes() {
    return endpoint;
  }

  public ClientService clients() {
    return clients;
  }

  public void close() {
    if (sweeper >= 0) {
      vertx.cancelTimer(sweeper);
    }
    keys.close();
    clientJwks.close();
  }
}
