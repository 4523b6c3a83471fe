-- PPPoE subscriptions: a customer's monthly service on a router, whose /ppp/secret the outbox keeps
-- on the router. Nothing wrote the v1 `subscriptions` and `pppoe_users` tables, so they are made anew.

ALTER TABLE usage_logs DROP COLUMN pppoe_user_id;
DROP TABLE pppoe_users;
ALTER TABLE invoices DROP CONSTRAINT invoices_subscription_id_fkey;
DROP TABLE subscriptions;

-- What isolation does on this router: move the secret to this /ppp/profile (a slow or walled
-- profile the operator made); none disables the secret.
ALTER TABLE routers ADD COLUMN isolation_profile TEXT
    CHECK (isolation_profile IS NULL OR length(trim(isolation_profile)) BETWEEN 1 AND 100);

-- A subscription's plan is on its router: (plan, router) is checked against the plan.
CREATE UNIQUE INDEX plans_id_router_key ON plans (id, router_id);

CREATE TABLE subscriptions (
    id                     BIGSERIAL PRIMARY KEY,
    customer_id            BIGINT NOT NULL REFERENCES customers (id) ON DELETE RESTRICT,
    plan_id                BIGINT NOT NULL,
    router_id              BIGINT NOT NULL REFERENCES routers (id) ON DELETE RESTRICT,
    pppoe_username         TEXT NOT NULL CHECK (length(pppoe_username) BETWEEN 1 AND 64),
    -- AES-256-GCM (nonce || ciphertext), sealed for this row (associated data: the row's id).
    pppoe_password_sealed  BYTEA NOT NULL,
    billing_day            SMALLINT NOT NULL CHECK (billing_day BETWEEN 1 AND 28),
    start_date             DATE NOT NULL,
    -- active: served; isolated: overdue (or isolated by hand), resumed when paid; suspended: by
    -- hand, disabled on the router until resumed; closed: ended, disabled on the router.
    status                 TEXT NOT NULL DEFAULT 'active'
                           CHECK (status IN ('active', 'isolated', 'suspended', 'closed')),
    -- created: we made its secret (it carries our comment); imported: the secret was on the
    -- router before, and is ours by its name.
    origin                 TEXT NOT NULL DEFAULT 'created' CHECK (origin IN ('created', 'imported')),
    -- The router's copy: pending (a change waits for the outbox), synced, failed (refused: see
    -- router_error), drifted (changed by hand on the router: see router_error).
    router_state           TEXT NOT NULL DEFAULT 'pending'
                           CHECK (router_state IN ('pending', 'synced', 'failed', 'drifted')),
    router_error           TEXT,
    -- Bumped by every change the router must follow; the outbox marks a row synced only for
    -- the version it pushed.
    version                BIGINT NOT NULL DEFAULT 1,
    -- The subscriber's session is ended once the change is pushed, so that it reconnects with
    -- it (isolation, resumption, another plan).
    kick_pending           BOOLEAN NOT NULL DEFAULT FALSE,
    isolated_at            TIMESTAMPTZ,
    closed_at              TIMESTAMPTZ,
    created_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
    FOREIGN KEY (plan_id, router_id) REFERENCES plans (id, router_id) ON DELETE RESTRICT
);
CREATE UNIQUE INDEX subscriptions_router_username_key ON subscriptions (router_id, pppoe_username);
CREATE INDEX subscriptions_customer_idx ON subscriptions (customer_id);
CREATE INDEX subscriptions_pending_idx ON subscriptions (router_id, id) WHERE router_state = 'pending';

ALTER TABLE invoices ADD CONSTRAINT invoices_subscription_id_fkey
    FOREIGN KEY (subscription_id) REFERENCES subscriptions (id) ON DELETE SET NULL;
CREATE INDEX invoices_subscription_unpaid_idx ON invoices (subscription_id, due_date)
    WHERE subscription_id IS NOT NULL AND status = 'unpaid';
