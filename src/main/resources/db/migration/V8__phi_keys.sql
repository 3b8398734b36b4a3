-- PHI encryption at rest: data keys (AES-256-GCM) and the blind-index key (HMAC-SHA256), each stored
-- wrapped by the master key, which never reaches the database. One active key per purpose; a rotated
-- data key keeps its row (retired_at set) so values written under it can still be read and re-encrypted.
CREATE TABLE phi_key (
  kid        TEXT        PRIMARY KEY,
  purpose    TEXT        NOT NULL CHECK (purpose IN ('data', 'blind')),
  wrapped    BYTEA       NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  retired_at TIMESTAMPTZ,
  CONSTRAINT phi_key_blind_never_retires CHECK (purpose = 'data' OR retired_at IS NULL)
);

CREATE UNIQUE INDEX phi_key_one_active ON phi_key (purpose) WHERE retired_at IS NULL;
