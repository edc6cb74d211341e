-- Jobs of the employer's side: the job document (requirements, mappings, pinned framework
-- versions) as the matching crate writes it, kept whole as JSON text; title and source
-- copied out for lists.
CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    document TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX jobs_by_tenant ON jobs (tenant_id, created_at);
