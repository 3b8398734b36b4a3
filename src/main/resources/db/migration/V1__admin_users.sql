-- Dashboard and ops accounts. Passwords are stored only as Argon2id hashes (PHC string format).
CREATE TABLE admin_user (
  id            BIGSERIAL PRIMARY KEY,
  username      TEXT        NOT NULL UNIQUE,
  password_hash TEXT        NOT NULL,
  roles         TEXT[]      NOT NULL,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  last_login_at TIMESTAMPTZ
);
