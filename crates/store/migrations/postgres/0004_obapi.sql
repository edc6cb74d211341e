-- The 1EdTech OB 3.0 / CLR 2.0 API (credbridge-obapi). The authorization server's clients,
-- codes and tokens are global (dynamic registration has no tenant); codes, tokens and client
-- secrets are kept only as SHA-256 hashes (`*_hash`, 32 bytes). Flags are 0/1 integers and
-- scopes space-separated, the same in both dialects.
CREATE TABLE oauth_clients (
    client_id TEXT PRIMARY KEY,
    client_secret_hash BYTEA NOT NULL,
    issued_at BIGINT NOT NULL,
    metadata TEXT NOT NULL
);
-- `used` flips 0 → 1 in one conditional UPDATE: a code is exchanged at most once.
CREATE TABLE oauth_codes (
    code_hash BYTEA PRIMARY KEY,
    client_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    scopes TEXT NOT NULL,
    code_challenge TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    used BIGINT NOT NULL DEFAULT 0,
    family TEXT NOT NULL
);
CREATE TABLE oauth_tokens (
    token_hash BYTEA PRIMARY KEY,
    kind TEXT NOT NULL,
    client_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    scopes TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked BIGINT NOT NULL DEFAULT 0,
    used BIGINT NOT NULL DEFAULT 0,
    family TEXT NOT NULL
);
CREATE INDEX oauth_tokens_by_family ON oauth_tokens (family);
-- The host's lists: one per owner and API, in the order credentials were first stored (seq);
-- a replaced credential keeps its place. `since` filters on stored_at.
CREATE TABLE obapi_credentials (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner TEXT NOT NULL,
    flavor TEXT NOT NULL,
    issuer_id TEXT NOT NULL,
    credential_id TEXT NOT NULL,
    format TEXT NOT NULL,
    text TEXT NOT NULL,
    issued_at BIGINT,
    stored_at BIGINT NOT NULL,
    UNIQUE (owner, flavor, issuer_id, credential_id)
);
CREATE INDEX obapi_credentials_by_list ON obapi_credentials (owner, flavor, seq);
CREATE TABLE obapi_profiles (
    owner TEXT PRIMARY KEY,
    text TEXT NOT NULL
);
-- The consumer's connections to other hosts. The client secret and the tokens are opaque
-- bytes the caller sealed (the store never sees them in clear).
CREATE TABLE obapi_connections (
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    api_root TEXT NOT NULL,
    service TEXT NOT NULL,
    client_id TEXT NOT NULL,
    sealed_client_secret BYTEA NOT NULL,
    sealed_tokens BYTEA NOT NULL,
    last_sync TEXT,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (owner, name)
);
