-- credbridge store schema, version 1 (PostgreSQL dialect; migrations/sqlite holds the same schema).
-- Times are Unix milliseconds (BIGINT); ids are UUID text; every row belongs to a tenant.
CREATE TABLE tenants (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);
CREATE TABLE clients (
    client_id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    name TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX clients_tenant ON clients(tenant_id);
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE TABLE tokens (
    token_hash TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES clients(client_id) ON DELETE CASCADE,
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    scopes TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE TABLE challenges (
    challenge TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    uses BIGINT NOT NULL
);
-- The original bytes, once per tenant and content hash (a JSON array, a zip entry or a CLR can
-- hold several credentials); deleted with the last credential that refers to them.
CREATE TABLE originals (
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    sha256 TEXT NOT NULL,
    bytes BYTEA NOT NULL,
    PRIMARY KEY (tenant_id, sha256)
);
CREATE TABLE credentials (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    sha256 TEXT NOT NULL,
    item_key TEXT NOT NULL,
    container_path TEXT NOT NULL,
    containers TEXT NOT NULL,
    format TEXT NOT NULL,
    issuer TEXT,
    achievements TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    source TEXT NOT NULL,
    verdict TEXT NOT NULL,
    FOREIGN KEY (tenant_id, sha256) REFERENCES originals(tenant_id, sha256),
    UNIQUE (tenant_id, sha256, item_key)
);
CREATE INDEX credentials_list ON credentials(tenant_id, received_at, id);
CREATE INDEX credentials_issuer ON credentials(tenant_id, issuer);
CREATE TABLE credential_subjects (
    credential_id TEXT NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    subject TEXT NOT NULL,
    PRIMARY KEY (credential_id, subject)
);
CREATE INDEX credential_subjects_subject ON credential_subjects(tenant_id, subject);
CREATE TABLE reports (
    id TEXT PRIMARY KEY,
    credential_id TEXT NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    verdict TEXT NOT NULL,
    report TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX reports_credential ON reports(credential_id, created_at, id);
