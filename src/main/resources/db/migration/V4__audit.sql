-- The tamper-evident audit trail: a hash chain of AuditEvents, and signed checkpoints over it.
--
-- entry is the exact text that was hashed: {"event":<AuditEvent, canonical JSON>,"seq":<seq>}, so anyone
-- can re-check a row with sha256(prev_hash || convert_to(entry, 'UTF8')) = hash. It is TEXT, not JSONB,
-- because JSONB would re-order keys and re-format numbers and the hash would no longer match.
-- seq is gapless from 1; the writer assigns it under a transaction-scoped advisory lock (see
-- io.bastion.audit.AuditSql), so writers on several nodes take turns and form one chain.
-- recorded, patients and agent are copies of fields of the event for AuditEvent search ("who accessed
-- patient X" is one indexed query); they are derived, and the chain never depends on them.
CREATE TABLE audit_event (
  seq       BIGINT      PRIMARY KEY CHECK (seq > 0),
  recorded  TIMESTAMPTZ NOT NULL,
  prev_hash BYTEA       NOT NULL CHECK (length(prev_hash) = 32),
  hash      BYTEA       NOT NULL CHECK (length(hash) = 32),
  entry     TEXT        NOT NULL,
  patients  TEXT[],
  agent     TEXT
);

CREATE INDEX audit_event_recorded ON audit_event (recorded);
CREATE INDEX audit_event_patients ON audit_event USING gin (patients);

-- A checkpoint says "the chain had seq records and record seq had this hash", signed with Ed25519 by the
-- node that made it. public_key is the raw 32-byte key; verification trusts only the keys the verifying
-- node knows (its own, and those it is told to trust), never a key merely because it is stored here.
-- signature covers the canonical JSON {"hash":<hex>,"node":<id>,"seq":<seq>,"signedAt":<ISO instant, ms>}.
CREATE TABLE audit_checkpoint (
  id         BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  seq        BIGINT      NOT NULL CHECK (seq > 0),
  hash       BYTEA       NOT NULL CHECK (length(hash) = 32),
  node       TEXT        NOT NULL,
  signed_at  TIMESTAMPTZ NOT NULL,
  public_key BYTEA       NOT NULL,
  signature  BYTEA       NOT NULL
);

CREATE INDEX audit_checkpoint_seq ON audit_checkpoint (seq);
