-- Reference server accounts (PostgreSQL).
CREATE TABLE users (
  id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email         TEXT NOT NULL UNIQUE,  -- normalised: trimmed, lower-cased
  name          TEXT NOT NULL,
  password_hash TEXT NOT NULL,         -- Argon2id, libsodium crypto_pwhash_str format
  created_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,         -- SHA-256 hex of the session token
  user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at TIMESTAMPTZ NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL
);

CREATE INDEX sessions_user_id ON sessions (user_id);
