package io.bastion.fhir.phi;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The PHI data keys and the blind-index key, stored wrapped by the {@link MasterKey} in {@code phi_key}.
 * One data key is active (new writes); retired ones stay to read what was written under them until the
 * re-encryption job has moved everything to the active key. The blind-index key never rotates: rotating it
 * would mean rebuilding every blind index.
 */
public final class PhiKeyRing {

  static final String DATA = "data";
  static final String BLIND = "blind";

  private final Pool pool;
  private final MasterKey master;
  private final SecureRandom random;
  private final Clock clock;
  private final Map<String, SecretKey> dataKeys = new ConcurrentHashMap<>();
  private volatile String activeKeyId;
  private volatile byte[] blindKey;

  private PhiKeyRing(Pool pool, MasterKey master, SecureRandom random, Clock clock) {
    this.pool = pool;
    this.master = master;
    this.random = random;
    this.clock = clock;
  }

  /** Loads the keys, creating the first data key and the blind-index key in a new database. */
  public static Future<PhiKeyRing> open(Pool pool, MasterKey master, SecureRandom random, Clock clock) {
    PhiKeyRing ring = new PhiKeyRing(pool, master, random, clock);
    return ring.ensure(BLIND).compose(v -> ring.ensure(DATA)).compose(v -> ring.load()).map(ring);
  }

  /** A ring with fixed keys and no database (unit tests of the cipher). */
  static PhiKeyRing of(String activeKeyId, byte[] dataKey, byte[] blindKey) {
    PhiKeyRing ring = new PhiKeyRing(null, null, null, null);
    ring.dataKeys.put(activeKeyId, new SecretKeySpec(dataKey, "AES"));
    ring.activeKeyId = activeKeyId;
    ring.blindKey = blindKey;
    return ring;
  }

  public String activeKeyId() {
    return activeKeyId;
  }

  SecretKey active() {
    return dataKeys.get(activeKeyId);
  }

  /** The data key with this id, or null when this node does not know it. */
  SecretKey dataKey(String keyId) {
    return dataKeys.get(keyId);
  }

  byte[] blindKey() {
    return blindKey;
  }

  /** Retires the active data key and makes a new one active; returns the new key's id. */
  public Future<String> rotate() {
    String id = newKeyId();
    byte[] key = newKey();
    return pool.withTransaction(conn -> conn.preparedQuery(
                "UPDATE phi_key SET retired_at = $1 WHERE purpose = 'data' AND retired_at IS NULL")
            .execute(Tuple.of(clock.instant().atOffset(ZoneOffset.UTC)))
            .compose(retired -> conn.preparedQuery(
                    "INSERT INTO phi_key (kid, purpose, wrapped, created_at) VALUES ($1, 'data', $2, $3)")
                .execute(Tuple.of(id, master.wrap(id, key), clock.instant().atOffset(ZoneOffset.UTC)))))
        .map(done -> {
          dataKeys.put(id, new SecretKeySpec(key, "AES"));
          activeKeyId = id;
          return id;
        });
  }

  /** Re-reads the table: picks up keys another node rotated to. */
  public Future<Void> load() {
    return pool.query("SELECT kid, purpose, wrapped, retired_at IS NULL AS active FROM phi_key").execute()
        .map(rows -> {
          for (Row row : rows) {
            String id = row.getString("kid");
            byte[] key = master.unwrap(id, row.getBuffer("wrapped").getBytes());
            if (BLIND.equals(row.getString("purpose"))) {
              blindKey = key;
            } else {
              dataKeys.put(id, new SecretKeySpec(key, "AES"));
              if (row.getBoolean("active")) {
                activeKeyId = id;
              }
            }
          }
          if (blindKey == null || activeKeyId == null) {
            throw new PhiKeyException("phi_key holds no active data key or no blind-index key");
          }
          return null;
        });
  }

  /** Inserts a key of this purpose unless an active one exists (nodes starting together insert one). */
  private Future<Void> ensure(String purpose) {
    String id = newKeyId();
    return pool.preparedQuery("INSERT INTO phi_key (kid, purpose, wrapped, created_at) VALUES ($1, $2, $3, $4) "
            + "ON CONFLICT (purpose) WHERE retired_at IS NULL DO NOTHING")
        .execute(Tuple.of(id, purpose, master.wrap(id, newKey()), clock.instant().atOffset(ZoneOffset.UTC)))
        .mapEmpty();
  }

  private String newKeyId() {
    byte[] bytes = new byte[6];
    random.nextBytes(bytes);
    return "k" + HexFormat.of().formatHex(bytes);
  }

  private byte[] newKey() {
    byte[] key = new byte[Aes256Gcm.KEY_BYTES];
    random.nextBytes(key);
    return key;
  }
}
