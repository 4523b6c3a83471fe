-- Schema v1: the entities of the product specification's data section.
-- Money is BIGINT whole rupiah. Times are TIMESTAMPTZ (stored as UTC).

-- People ---------------------------------------------------------------------------------------

CREATE TABLE staff_users (
    id             BIGSERIAL PRIMARY KEY,
    username       TEXT NOT NULL,
    name           TEXT NOT NULL CHECK (length(trim(name)) > 0),
    email          TEXT,
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('admin', 'staff')),
    active         BOOLEAN NOT NULL DEFAULT TRUE,
    last_login_at  TIMESTAMPTZ,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT staff_users_username_format CHECK (username ~ '^[a-z0-9._-]{3,32}$')
);
CREATE UNIQUE INDEX staff_users_username_key ON staff_users (username);

CREATE TABLE customers (
    id             BIGSERIAL PRIMARY KEY,
    name           TEXT NOT NULL CHECK (length(trim(name)) > 0),
    whatsapp       TEXT NOT NULL CHECK (whatsapp ~ '^628[0-9]{8,11}$'),
    email          TEXT CHECK (email = lower(email)),
    password_hash  TEXT,
    address        TEXT,
    status         TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'inactive')),
    -- Cached sum of balance_ledger.amount for this customer, updated in the same transaction as
    -- every ledger row. Positive = credit, negative = debt.
    balance        BIGINT NOT NULL DEFAULT 0,
    last_login_at  TIMESTAMPTZ,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX customers_whatsapp_key ON customers (whatsapp);
CREATE UNIQUE INDEX customers_email_key ON customers (email) WHERE email IS NOT NULL;

-- Routers and what they serve ------------------------------------------------------------------

CREATE TABLE routers (
    id                  BIGSERIAL PRIMARY KEY,
    name                TEXT NOT NULL CHECK (length(trim(name)) > 0),
    host                TEXT NOT NULL CHECK (length(host) > 0),
    port                INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
    use_tls             BOOLEAN NOT NULL DEFAULT FALSE,
    tls_fingerprint     TEXT,
    username            TEXT NOT NULL,
    -- AES-256-GCM ciphertext (nonce || ciphertext) of the API password.
    password_encrypted  BYTEA NOT NULL,
    identity            TEXT,
    routeros_version    TEXT,
    last_seen_at        TIMESTAMPTZ,
    last_error          TEXT,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX routers_name_key ON routers (name);

CREATE TABLE hotspot_profiles (
    id                 BIGSERIAL PRIMARY KEY,
    router_id          BIGINT NOT NULL REFERENCES routers (id) ON DELETE CASCADE,
    name               TEXT NOT NULL,
    rate_limit         TEXT,
    shared_users       INTEGER CHECK (shared_users > 0),
    comment            TEXT,
    deleted_on_router  BOOLEAN NOT NULL DEFAULT FALSE,
    last_sync          TIMESTAMPTZ,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX hotspot_profiles_router_name_key ON hotspot_profiles (router_id, name);

CREATE TABLE pppoe_profiles (
    id                 BIGSERIAL PRIMARY KEY,
    router_id          BIGINT NOT NULL REFERENCES routers (id) ON DELETE CASCADE,
    name               TEXT NOT NULL,
    rate_limit         TEXT,
    local_address      TEXT,
    remote_address     TEXT,
    comment            TEXT,
    deleted_on_router  BOOLEAN NOT NULL DEFAULT FALSE,
    last_sync          TIMESTAMPTZ,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX pppoe_profiles_router_name_key ON pppoe_profiles (router_id, name);

CREATE TABLE plans (
    id                  BIGSERIAL PRIMARY KEY,
    router_id           BIGINT NOT NULL REFERENCES routers (id) ON DELETE RESTRICT,
    kind                TEXT NOT NULL CHECK (kind IN ('hotspot', 'pppoe')),
    name                TEXT NOT NULL CHECK (length(trim(name)) > 0),
    price               BIGINT NOT NULL CHECK (price >= 0),
    validity_seconds    BIGINT NOT NULL CHECK (validity_seconds > 0),
    time_quota_seconds  BIGINT CHECK (time_quota_seconds > 0),
    data_quota_bytes    BIGINT CHECK (data_quota_bytes > 0),
    hotspot_profile_id  BIGINT REFERENCES hotspot_profiles (id) ON DELETE SET NULL,
    pppoe_profile_id    BIGINT REFERENCES pppoe_profiles (id) ON DELETE SET NULL,
    active              BOOLEAN NOT NULL DEFAULT TRUE,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX plans_router_name_key ON plans (router_id, name);

CREATE TABLE subscriptions (
    id               BIGSERIAL PRIMARY KEY,
    customer_id      BIGINT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    plan_id          BIGINT REFERENCES plans (id) ON DELETE RESTRICT,
    kind             TEXT NOT NULL CHECK (kind IN ('hotspot', 'pppoe')),
    status           TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'active', 'suspended', 'cancelled')),
    price            BIGINT CHECK (price >= 0),
    billing_day      SMALLINT CHECK (billing_day BETWEEN 1 AND 28),
    started_at       TIMESTAMPTZ,
    next_invoice_at  TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX subscriptions_customer_idx ON subscriptions (customer_id);

CREATE TABLE pppoe_users (
    id                  BIGSERIAL PRIMARY KEY,
    customer_id         BIGINT NOT NULL REFERENCES customers (id) ON DELETE RESTRICT,
    subscription_id     BIGINT REFERENCES subscriptions (id) ON DELETE SET NULL,
    router_id           BIGINT NOT NULL REFERENCES routers (id) ON DELETE RESTRICT,
    pppoe_profile_id    BIGINT REFERENCES pppoe_profiles (id) ON DELETE SET NULL,
    username            TEXT NOT NULL CHECK (length(username) > 0),
    password_encrypted  BYTEA NOT NULL,
    status              TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'isolated', 'disabled')),
    router_synced_at    TIMESTAMPTZ,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX pppoe_users_router_username_key ON pppoe_users (router_id, username);

-- Vouchers ---------------------------------------------------------------------------------------

CREATE TABLE voucher_batches (
    id             BIGSERIAL PRIMARY KEY,
    router_id      BIGINT NOT NULL REFERENCES routers (id) ON DELETE RESTRICT,
    plan_id        BIGINT NOT NULL REFERENCES plans (id) ON DELETE RESTRICT,
    quantity       INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 10000),
    code_length    SMALLINT NOT NULL CHECK (code_length BETWEEN 4 AND 32),
    alphabet       TEXT NOT NULL CHECK (length(alphabet) >= 10),
    prefix         TEXT NOT NULL DEFAULT '',
    password_mode  TEXT NOT NULL CHECK (password_mode IN ('same', 'separate')),
    comment        TEXT,
    created_by     BIGINT REFERENCES staff_users (id) ON DELETE SET NULL,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE vouchers (
    id              BIGSERIAL PRIMARY KEY,
    batch_id        BIGINT NOT NULL REFERENCES voucher_batches (id) ON DELETE CASCADE,
    router_id       BIGINT NOT NULL REFERENCES routers (id) ON DELETE RESTRICT,
    plan_id         BIGINT NOT NULL REFERENCES plans (id) ON DELETE RESTRICT,
    code            TEXT NOT NULL CHECK (length(code) > 0),
    password        TEXT NOT NULL,
    price           BIGINT NOT NULL CHECK (price >= 0),
    status          TEXT NOT NULL DEFAULT 'created'
                    CHECK (status IN ('created', 'active', 'expired', 'disabled', 'deleted')),
    router_state    TEXT NOT NULL DEFAULT 'pending' CHECK (router_state IN ('pending', 'pushed', 'failed', 'removed')),
    router_error    TEXT,
    sold_at         TIMESTAMPTZ,
    sold_by         BIGINT REFERENCES staff_users (id) ON DELETE SET NULL,
    first_login_at  TIMESTAMPTZ,
    expires_at      TIMESTAMPTZ,
    uptime_seconds  BIGINT NOT NULL DEFAULT 0 CHECK (uptime_seconds >= 0),
    bytes_in        BIGINT NOT NULL DEFAULT 0 CHECK (bytes_in >= 0),
    bytes_out       BIGINT NOT NULL DEFAULT 0 CHECK (bytes_out >= 0),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX vouchers_router_code_key ON vouchers (router_id, code);
CREATE INDEX vouchers_batch_idx ON vouchers (batch_id);
CREATE INDEX vouchers_status_idx ON vouchers (router_id, status);

-- Invoices, payments, balance -------------------------------------------------------------------

CREATE TABLE invoices (
    id               BIGSERIAL PRIMARY KEY,
    number           TEXT NOT NULL,
    customer_id      BIGINT NOT NULL REFERENCES customers (id) ON DELETE RESTRICT,
    subscription_id  BIGINT REFERENCES subscriptions (id) ON DELETE SET NULL,
    status           TEXT NOT NULL DEFAULT 'unpaid'
                     CHECK (status IN ('draft', 'unpaid', 'partial', 'paid', 'cancelled')),
    period_start     DATE,
    period_end       DATE,
    total            BIGINT NOT NULL CHECK (total >= 0),
    amount_paid      BIGINT NOT NULL DEFAULT 0 CHECK (amount_paid >= 0),
    due_at           TIMESTAMPTZ,
    issued_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    paid_at          TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (period_end IS NULL OR period_start IS NULL OR period_end >= period_start)
);
CREATE UNIQUE INDEX invoices_number_key ON invoices (number);
CREATE INDEX invoices_customer_idx ON invoices (customer_id, issued_at DESC);

CREATE TABLE invoice_lines (
    id           BIGSERIAL PRIMARY KEY,
    invoice_id   BIGINT NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('plan', 'balance_debt', 'balance_credit', 'adjustment', 'other')),
    description  TEXT NOT NULL,
    quantity     INTEGER NOT NULL DEFAULT 1 CHECK (quantity > 0),
    unit_price   BIGINT NOT NULL,
    amount       BIGINT NOT NULL,
    CHECK (amount = quantity * unit_price)
);
CREATE INDEX invoice_lines_invoice_idx ON invoice_lines (invoice_id);

CREATE TABLE payment_urls (
    id          BIGSERIAL PRIMARY KEY,
    invoice_id  BIGINT NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    token       TEXT NOT NULL,
    qr_svg      TEXT,
    expires_at  TIMESTAMPTZ NOT NULL,
    used_at     TIMESTAMPTZ,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX payment_urls_token_key ON payment_urls (token);

CREATE TABLE payments (
    id               BIGSERIAL PRIMARY KEY,
    invoice_id       BIGINT REFERENCES invoices (id) ON DELETE RESTRICT,
    customer_id      BIGINT REFERENCES customers (id) ON DELETE RESTRICT,
    method           TEXT NOT NULL CHECK (method IN ('duitku', 'manual', 'cash', 'balance')),
    gateway          TEXT NOT NULL,
    reference        TEXT NOT NULL,
    gateway_payment_method TEXT,
    amount           BIGINT NOT NULL CHECK (amount > 0),
    status           TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'success', 'failed', 'expired', 'cancelled')),
    gateway_payload  JSONB,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    settled_at       TIMESTAMPTZ
);
CREATE UNIQUE INDEX payments_gateway_reference_key ON payments (gateway, reference);
CREATE INDEX payments_pending_idx ON payments (status) WHERE status = 'pending';

CREATE TABLE balance_ledger (
    id             BIGSERIAL PRIMARY KEY,
    customer_id    BIGINT NOT NULL REFERENCES customers (id) ON DELETE RESTRICT,
    amount         BIGINT NOT NULL CHECK (amount <> 0),
    balance_after  BIGINT NOT NULL,
    reason         TEXT NOT NULL CHECK (reason IN ('overpayment', 'underpayment', 'applied_to_invoice',
                                                   'debt_billed', 'manual_adjustment')),
    invoice_id     BIGINT REFERENCES invoices (id) ON DELETE RESTRICT,
    payment_id     BIGINT REFERENCES payments (id) ON DELETE RESTRICT,
    note           TEXT,
    created_by     BIGINT REFERENCES staff_users (id) ON DELETE SET NULL,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX balance_ledger_customer_idx ON balance_ledger (customer_id, id);

-- WhatsApp -----------------------------------------------------------------------------------------

CREATE TABLE whatsapp_sessions (
    id                     BIGSERIAL PRIMARY KEY,
    name                   TEXT NOT NULL,
    phone_number           TEXT NOT NULL CHECK (phone_number ~ '^[0-9]{8,15}$'),
    gateway_kind           TEXT NOT NULL,
    base_url               TEXT NOT NULL,
    api_key_encrypted      BYTEA,
    status                 TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'degraded', 'down', 'disabled')),
    rate_limit_per_minute  INTEGER NOT NULL DEFAULT 20 CHECK (rate_limit_per_minute > 0),
    last_seen_at           TIMESTAMPTZ,
    created_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at             TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX whatsapp_sessions_name_key ON whatsapp_sessions (name);

CREATE TABLE message_templates (
    id          BIGSERIAL PRIMARY KEY,
    key         TEXT NOT NULL,
    locale      TEXT NOT NULL DEFAULT 'id' CHECK (locale IN ('id', 'en')),
    body        TEXT NOT NULL CHECK (length(body) > 0),
    media_kind  TEXT CHECK (media_kind IN ('payment_qr', 'voucher_qr', 'image')),
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX message_templates_key_locale_key ON message_templates (key, locale);

CREATE TABLE message_log (
    id                  BIGSERIAL PRIMARY KEY,
    customer_id         BIGINT REFERENCES customers (id) ON DELETE SET NULL,
    session_id          BIGINT REFERENCES whatsapp_sessions (id) ON DELETE SET NULL,
    to_number           TEXT NOT NULL,
    template_key        TEXT,
    body                TEXT NOT NULL,
    priority            TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('high', 'normal', 'low')),
    status              TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'delivered', 'read', 'failed')),
    attempts            INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    error               TEXT,
    gateway_message_id  TEXT,
    queued_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    sent_at             TIMESTAMPTZ,
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX message_log_status_idx ON message_log (status, queued_at);
CREATE UNIQUE INDEX message_log_gateway_message_key ON message_log (session_id, gateway_message_id)
    WHERE gateway_message_id IS NOT NULL;

-- Durable work for routers ------------------------------------------------------------------------

CREATE TABLE router_jobs (
    id            BIGSERIAL PRIMARY KEY,
    router_id     BIGINT NOT NULL REFERENCES routers (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    payload       JSONB NOT NULL,
    status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'done', 'failed')),
    attempts      INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts  INTEGER NOT NULL DEFAULT 20 CHECK (max_attempts > 0),
    run_after     TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_error    TEXT,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    done_at       TIMESTAMPTZ
);
CREATE INDEX router_jobs_due_idx ON router_jobs (router_id, run_after) WHERE status IN ('pending', 'running');

-- Operations -----------------------------------------------------------------------------------

CREATE TABLE backups (
    id           BIGSERIAL PRIMARY KEY,
    file_name    TEXT NOT NULL,
    storage      TEXT NOT NULL CHECK (storage IN ('local', 's3', 'ftp')),
    location     TEXT NOT NULL,
    size_bytes   BIGINT CHECK (size_bytes >= 0),
    sha256       TEXT,
    encrypted    BOOLEAN NOT NULL DEFAULT TRUE,
    status       TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'success', 'verified', 'failed')),
    error        TEXT,
    started_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at  TIMESTAMPTZ,
    verified_at  TIMESTAMPTZ
);

CREATE TABLE audit_logs (
    id          BIGSERIAL PRIMARY KEY,
    actor_kind  TEXT NOT NULL CHECK (actor_kind IN ('staff', 'customer', 'system')),
    actor_id    BIGINT,
    action      TEXT NOT NULL,
    entity      TEXT,
    entity_id   TEXT,
    details     JSONB,
    ip          INET,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX audit_logs_created_idx ON audit_logs (created_at DESC);

CREATE TABLE activity_logs (
    id          BIGSERIAL PRIMARY KEY,
    actor_kind  TEXT NOT NULL CHECK (actor_kind IN ('staff', 'customer', 'system')),
    actor_id    BIGINT,
    action      TEXT NOT NULL,
    details     JSONB,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX activity_logs_created_idx ON activity_logs (created_at);

CREATE TABLE usage_logs (
    id              BIGSERIAL PRIMARY KEY,
    router_id       BIGINT NOT NULL REFERENCES routers (id) ON DELETE CASCADE,
    voucher_id      BIGINT REFERENCES vouchers (id) ON DELETE CASCADE,
    pppoe_user_id   BIGINT REFERENCES pppoe_users (id) ON DELETE CASCADE,
    uptime_seconds  BIGINT NOT NULL CHECK (uptime_seconds >= 0),
    bytes_in        BIGINT NOT NULL CHECK (bytes_in >= 0),
    bytes_out       BIGINT NOT NULL CHECK (bytes_out >= 0),
    recorded_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX usage_logs_recorded_idx ON usage_logs (recorded_at);

CREATE TABLE notification_logs (
    id          BIGSERIAL PRIMARY KEY,
    channel     TEXT NOT NULL CHECK (channel IN ('whatsapp', 'email', 'websocket')),
    recipient   TEXT NOT NULL,
    event       TEXT NOT NULL,
    status      TEXT NOT NULL,
    details     JSONB,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX notification_logs_created_idx ON notification_logs (created_at);
