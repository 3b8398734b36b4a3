-- Bastion's own token endpoint (SMART Backend Services): registered clients, the replay store for
-- client-assertion jti values, and the rotating keys access tokens are signed with.

-- A backend-service client. It authenticates with a JWT signed by one of its keys (inline JWKS or a
-- jwks_uri), or with a secret of which only the Argon2id hash is kept. Scopes are what it may ask for.
CREATE TABLE auth_client (
  id          BIGSERIAL   PRIMARY KEY,
  client_id   TEXT        NOT NULL UNIQUE,
  name        TEXT        NOT NULL,
  scopes      TEXT[]      NOT NULL,
  jwks        JSONB,
  jwks_uri    TEXT,
  secret_hash TEXT,
  disabled    BOOLEAN     NOT NULL DEFAULT false,
  created_by  TEXT        NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL,
  updated_at  TIMESTAMPTZ,
  CONSTRAINT auth_client_one_credential CHECK (num_nonnulls(jwks, jwks_uri, secret_hash) = 1)
);

-- Client-assertion ids seen, until the assertion expires: the same (client, jti) twice is a replay.
CREATE TABLE auth_assertion_jti (
  client_id  TEXT        NOT NULL,
  jti        TEXT        NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (client_id, jti)
);
CREATE INDEX auth_assertion_jti_expiry ON auth_assertion_jti (expires_at);

-- Signing keys. The newest is the active one; older ones stay published until retire_at (rotation time
-- plus the longest token lifetime and clock skew), so tokens they signed verify until they expire.
-- private_key: PKCS#8, "v1:" AES-256-GCM sealed (kid as associated data) or "plain:" base64 without a key.
CREATE TABLE auth_signing_key (
  kid         TEXT        PRIMARY KEY,
  alg         TEXT        NOT NULL CHECK (alg IN ('ES256', 'RS256')),
  public_jwk  JSONB       NOT NULL,
  private_key TEXT        NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL,
  retire_at   TIMESTAMPTZ
);
CREATE INDEX auth_signing_key_created ON auth_signing_key (created_at DESC);
