-- Admin identity: roles checked by the database too, disabling, TOTP MFA with recovery codes, login
-- throttling shared by every node, and revocable ctl tokens.

ALTER TABLE admin_user
  -- Refused at sign-in like a wrong password; the account and its history stay.
  ADD COLUMN disabled           BOOLEAN NOT NULL DEFAULT false,
  -- TOTP secret, "v1:" AES-256-GCM sealed under admin.mfa-key, or "plain:" base32 without a key.
  ADD COLUMN mfa_secret         TEXT,
  -- A secret generated for an enrolment that is not confirmed yet (same format).
  ADD COLUMN mfa_pending_secret TEXT,
  -- The last TOTP time step accepted: a code for this step or an earlier one is a replay.
  ADD COLUMN mfa_last_step      BIGINT,
  ADD COLUMN updated_at         TIMESTAMPTZ;

ALTER TABLE admin_user ADD CONSTRAINT admin_user_roles_known
  CHECK (cardinality(roles) > 0 AND roles <@ ARRAY['admin', 'security-officer', 'ops', 'viewer']::TEXT[]);

-- One-time recovery codes: SHA-256 of the code (the codes are 50 random bits each, so a fast hash
-- is enough; see docs/rationale.md). used_at set once, atomically.
CREATE TABLE admin_recovery_code (
  user_id   BIGINT      NOT NULL REFERENCES admin_user (id) ON DELETE CASCADE,
  code_hash BYTEA       NOT NULL,
  used_at   TIMESTAMPTZ,
  PRIMARY KEY (user_id, code_hash)
);

-- Failed sign-ins per account (lower-cased username, known or not) and per client IP. Lives in
-- PostgreSQL so the backoff holds across nodes; rows are forgotten after a quiet period.
CREATE TABLE admin_login_throttle (
  kind            TEXT        NOT NULL CHECK (kind IN ('account', 'ip')),
  subject         TEXT        NOT NULL,
  failures        INTEGER     NOT NULL,
  last_failure_at TIMESTAMPTZ NOT NULL,
  locked_until    TIMESTAMPTZ,
  PRIMARY KEY (kind, subject)
);

-- Tokens for `bastion ctl`: only the SHA-256 of the token is kept; each carries one role and an expiry.
CREATE TABLE ctl_token (
  id           BIGSERIAL   PRIMARY KEY,
  name         TEXT        NOT NULL,
  token_hash   BYTEA       NOT NULL UNIQUE,
  role         TEXT        NOT NULL CHECK (role IN ('admin', 'security-officer', 'ops', 'viewer')),
  created_by   TEXT        NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL,
  expires_at   TIMESTAMPTZ NOT NULL,
  revoked_at   TIMESTAMPTZ,
  last_used_at TIMESTAMPTZ
);
