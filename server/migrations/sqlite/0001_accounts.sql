-- Reference server accounts (SQLite). Times are INTEGER unix microseconds.
CREATE TABLE users (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  email         TEXT NOT NULL UNIQUE,  -- normalised: trimmed, lower-cased
  name          TEXT NOT NULL,
  password_hash TEXT NOT NULL,         -- Argon2id, libsodium crypto_pwhash_str format
  created_at    INTEGER NOT NULL
);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,         -- SHA-256 hex of the session token
  user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);

CREATE INDEX sessions_user_id ON sessions (user_id);
