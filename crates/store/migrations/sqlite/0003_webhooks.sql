-- Webhooks: per-tenant subscriptions, the outbox of events (written in the same transaction as
-- the change that causes them), one delivery per event and subscription, and every attempt
-- (the delivery log). A subscription's event types are rows of their own so that the outbox
-- write finds its subscribers by index. Deleting a subscription deletes its deliveries and
-- their attempts.
CREATE TABLE webhook_subscriptions (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    events TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX webhook_subscriptions_by_tenant ON webhook_subscriptions (tenant_id, created_at);
CREATE TABLE webhook_subscription_events (
    subscription_id TEXT NOT NULL REFERENCES webhook_subscriptions(id) ON DELETE CASCADE,
    tenant_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    PRIMARY KEY (subscription_id, event_type)
);
CREATE INDEX webhook_subscription_events_by_type ON webhook_subscription_events (tenant_id, event_type);
-- The outbox: an event is written only when a subscription of its tenant wants its type.
CREATE TABLE webhook_events (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    event_type TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
-- state: pending, delivered or failed (given up); next_attempt_at is also the lease of a
-- claimed delivery, so a worker that dies mid-post leaves it due again later.
CREATE TABLE webhook_deliveries (
    event_id TEXT NOT NULL REFERENCES webhook_events(id) ON DELETE CASCADE,
    subscription_id TEXT NOT NULL REFERENCES webhook_subscriptions(id) ON DELETE CASCADE,
    tenant_id TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    state TEXT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (event_id, subscription_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_by_subscription ON webhook_deliveries (subscription_id, updated_at);
CREATE TABLE webhook_attempts (
    event_id TEXT NOT NULL,
    subscription_id TEXT NOT NULL,
    attempt BIGINT NOT NULL,
    tenant_id TEXT NOT NULL,
    at BIGINT NOT NULL,
    status BIGINT,
    error TEXT,
    duration_ms BIGINT NOT NULL,
    PRIMARY KEY (event_id, subscription_id, attempt),
    FOREIGN KEY (event_id, subscription_id) REFERENCES webhook_deliveries (event_id, subscription_id) ON DELETE CASCADE
);
-- What derived objects (profiles, a job's matches) looked like when last computed, so that a
-- recomputation that changes them emits profile.updated / match.updated once.
CREATE TABLE webhook_digests (
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    event_type TEXT NOT NULL,
    subject TEXT NOT NULL,
    digest TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, event_type, subject)
);
