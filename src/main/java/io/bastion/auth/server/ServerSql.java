package io.bastion.auth.server;

/** The token endpoint's SQL, in one place; every statement is parameterised. */
final class ServerSql {

  // signing keys
  static final String LIVE_KEYS = "SELECT kid, alg, public_jwk, private_key, created_at FROM auth_signing_key "
      + "WHERE retire_at IS NULL OR retire_at > $1 ORDER BY created_at DESC, kid";
  /** Serialises rotations across nodes: the newest key is re-read under the lock before a new one is added. */
  static final String ROTATION_LOCK = "SELECT pg_advisory_xact_lock(7070707)";
  static final String NEWEST_KEY = "SELECT created_at FROM auth_signing_key ORDER BY created_at DESC LIMIT 1";
  static final String INSERT_KEY = "INSERT INTO auth_signing_key (kid, alg, public_jwk, private_key, created_at) "
      + "VALUES ($1, $2, $3, $4, $5)";
  static final String RETIRE_OTHERS = "UPDATE auth_signing_key SET retire_at = $2 WHERE kid <> $1 AND retire_at IS NULL";
  static final String DELETE_RETIRED = "DELETE FROM auth_signing_key WHERE retire_at < $1";

  // clients
  static final String CLIENT_COLUMNS = "id, client_id, name, scopes, jwks, jwks_uri, secret_hash, disabled, created_by, "
      + "created_at, updated_at";
  static final String FIND_CLIENT = "SELECT " + CLIENT_COLUMNS + " FROM auth_client WHERE client_id = $1";
  static final String LIST_CLIENTS = "SELECT " + CLIENT_COLUMNS + " FROM auth_client ORDER BY name, id";
  static final String INSERT_CLIENT = "INSERT INTO auth_client (client_id, name, scopes, jwks, jwks_uri, secret_hash, "
      + "created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING " + CLIENT_COLUMNS;
  static final String SET_DISABLED = "UPDATE auth_client SET disabled = $2, updated_at = $3 WHERE client_id = $1 RETURNING "
      + CLIENT_COLUMNS;
  static final String DELETE_CLIENT = "DELETE FROM auth_client WHERE client_id = $1 RETURNING " + CLIENT_COLUMNS;

  // client-assertion replay store
  /** Inserts the (client, jti) pair; no row back means it was seen before: a replay. */
  static final String REMEMBER_JTI = "INSERT INTO auth_assertion_jti (client_id, jti, expires_at) VALUES ($1, $2, $3) "
      + "ON CONFLICT DO NOTHING RETURNING jti";
  static final String FORGET_EXPIRED_JTIS = "DELETE FROM auth_assertion_jti WHERE expires_at < $1";

  private ServerSql() {
  }
}
