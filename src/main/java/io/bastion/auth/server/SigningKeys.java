package io.bastion.auth.server;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.bastion.auth.LocalIssuer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys Bastion signs access tokens with, kept in PostgreSQL (private halves sealed by
 * {@link SigningKeySealer}) so every node of a cluster signs and verifies with the same ring. The newest
 * key signs; when it is older than auth.server.key-rotation-days a new one is generated and the old ones
 * get a retire time of now + token lifetime + clock skew: until then they stay published (JWKS and the
 * {@link LocalIssuer}), so every token they signed verifies until it expires. Rotation takes a PostgreSQL
 * advisory lock, so two nodes never rotate at once. Key generation, sealing and parsing run on the
 * worker pool.
 */
public final class SigningKeys {

  private static final Logger LOG = LoggerFactory.getLogger(SigningKeys.class);
  /** How often a node reloads the ring (to see another node's rotation) and checks whether to rotate. */
  static final Duration RELOAD_INTERVAL = Duration.ofSeconds(60);
  /** An unknown kid triggers at most one reload per this interval, so forged kids cannot load the database. */
  static final Duration MIN_ON_DEMAND_RELOAD = Duration.ofSeconds(5);

  /** The key that signs now, with its signer (nimbus signers are thread-safe). */
  record Active(JWK jwk, JWSAlgorithm alg, JWSSigner signer, Instant createdAt) {
  }

  private record Generated(JWK jwk, String sealed) {
  }

  private final Vertx vertx;
  private final Pool pool;
  private final WorkerExecutor blocking;
  private final Clock clock;
  private final AuthServerConfig config;
  private final Duration overlap;
  private final LocalIssuer issuer;
  private final SigningKeySealer sealer;
  private final AtomicReference<Active> active = new AtomicReference<>();
  private final AtomicReference<JsonArray> published = new AtomicReference<>(new JsonArray());
  private final AtomicReference<Future<Void>> inFlight = new AtomicReference<>();
  private final AtomicLong lastOnDemand = new AtomicLong(Long.MIN_VALUE);
  private long timer = -1;

  /**
   * @param clockSkew auth.clock-skew-seconds: a retired key stays published this much longer than the
   *                  tokens it signed may live
   */
  public SigningKeys(Vertx vertx, Pool pool, WorkerExecutor blocking, Clock clock, AuthServerConfig config,
      Duration clockSkew, LocalIssuer issuer, SigningKeySealer sealer) {
    this.vertx = vertx;
    this.pool = pool;
    this.blocking = blocking;
    this.clock = clock;
    this.config = config;
    this.overlap = config.tokenLifetime().plus(clockSkew);
    this.issuer = issuer;
    this.sealer = sealer;
  }

  /** Loads (or creates) the ring, publishes it, and reloads it every minute. */
  public Future<Void> start() {
    if (!sealer.encrypts()) {
      LOG.warn("auth.server: no auth.server.key-encryption-key or admin.mfa-key; token signing keys are stored unencrypted in PostgreSQL");
    }
    issuer.refresher(this::reloadOnDemand);
    return reload().onSuccess(v -> timer = vertx.setPeriodic(RELOAD_INTERVAL.toMillis(), id -> reload()
        .onFailure(e -> LOG.warn("auth.server: signing keys not reloaded ({}); keeping the current ones", e.toString()))));
  }

  public void close() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** The signing key, or null before the first load. */
  Active active() {
    return active.get();
  }

  /** The public keys, as published at /.well-known/jwks.json. */
  JsonObject jwks() {
    return new JsonObject().put("keys", published.get());
  }

  /** Whether the active key is older than the rotation period (then {@link #reload()} rotates it). */
  boolean rotationDue() {
    Active current = active.get();
    return current == null || !clock.instant().isBefore(current.createdAt().plus(config.keyRotation()));
  }

  /** Rotates if due, then reads the live keys; concurrent calls share one run. */
  Future<Void> reload() {
    io.vertx.core.Promise<Void> promise = io.vertx.core.Promise.promise();
    if (!inFlight.compareAndSet(null, promise.future())) {
      Future<Void> running = inFlight.get();
      return running != null ? running : reload();
    }
    (rotationDue() ? rotateIfStillDue() : Future.<Void>succeededFuture())
        .compose(v -> load())
        .onComplete(done -> {
          inFlight.set(null);
          promise.handle(done);
        });
    return promise.future();
  }

  private Future<?> reloadOnDemand() {
    long now = clock.millis();
    long last = lastOnDemand.get();
    if (last != Long.MIN_VALUE && now - last < MIN_ON_DEMAND_RELOAD.toMillis() || !lastOnDemand.compareAndSet(last, now)) {
      Future<Void> running = inFlight.get();
      return running != null ? running : Future.succeededFuture();
    }
    return reload();
  }

  private Future<Void> rotateIfStillDue() {
    String alg = config.signingAlg();
    return blocking.executeBlocking(() -> {
      JWK generated = generate(alg);
      return new Generated(generated, sealer.seal(generated.getKeyID(), generated.toJSONString()));
    }, false).compose(generated -> {
      Instant now = clock.instant();
      JWK jwk = generated.jwk();
      String sealed = generated.sealed();
      return pool.withTransaction(tx -> tx.query(ServerSql.ROTATION_LOCK).execute()
          .compose(locked -> tx.query(ServerSql.NEWEST_KEY).execute())
          .compose(newest -> {
            if (newest.size() > 0 && now.isBefore(instant(newest.iterator().next().getOffsetDateTime("created_at"))
                .plus(config.keyRotation()))) {
              return Future.succeededFuture(false); // another node rotated first
            }
            JsonObject publicJwk = new JsonObject(jwk.toPublicJWK().toJSONObject());
            return tx.preparedQuery(ServerSql.INSERT_KEY)
                .execute(Tuple.of(jwk.getKeyID(), alg, publicJwk, sealed, utc(now)))
                .compose(inserted -> tx.preparedQuery(ServerSql.RETIRE_OTHERS)
                    .execute(Tuple.of(jwk.getKeyID(), utc(now.plus(overlap)))))
                .compose(retired -> tx.preparedQuery(ServerSql.DELETE_RETIRED).execute(Tuple.of(utc(now))))
                .map(true);
          })).onSuccess(rotated -> {
            if (rotated) {
              LOG.info("auth.server: new {} signing key {}; previous keys stay published for {} s", alg, jwk.getKeyID(),
                  overlap.toSeconds());
            }
          }).mapEmpty();
    });
  }

  private Future<Void> load() {
    return pool.preparedQuery(ServerSql.LIVE_KEYS).execute(Tuple.of(utc(clock.instant())))
        .compose(rows -> blocking.executeBlocking(() -> publish(rows), false));
  }

  /** Opens the newest key, publishes every live public key. Worker thread: AES-GCM, key parsing, JCA. */
  private Void publish(RowSet<Row> rows) throws ParseException, JOSEException {
    List<JsonObject> publicKeys = new ArrayList<>();
    Active newest = null;
    for (Row row : rows) {
      JsonObject publicJwk = new JsonObject(row.getJsonObject("public_jwk").encode());
      publicKeys.add(publicJwk.put("alg", row.getString("alg")).put("use", "sig"));
      if (newest == null) {
        String kid = row.getString("kid");
        Active current = active.get();
        if (current != null && current.jwk().getKeyID().equals(kid)) {
          newest = current;
        } else {
          JWK jwk = JWK.parse(sealer.open(kid, row.getString("private_key")));
          JWSAlgorithm alg = JWSAlgorithm.parse(row.getString("alg"));
          JWSSigner signer = jwk instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) jwk);
          newest = new Active(jwk, alg, signer, instant(row.getOffsetDateTime("created_at")));
        }
      }
    }
    if (newest == null) {
      throw new IllegalStateException("no signing key in auth_signing_key");
    }
    issuer.publish(vertx, publicKeys);
    published.set(new JsonArray(publicKeys));
    active.set(newest);
    return null;
  }

  private static JWK generate(String alg) throws JOSEException {
    if (AuthServerConfig.RS256.equals(alg)) {
      return new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).keyIDFromThumbprint(true)
          .generate();
    }
    return new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256).keyIDFromThumbprint(true)
        .generate();
  }

  static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  static Instant instant(OffsetDateTime time) {
    return time.toInstant();
  }
}
