-- The money core: customers with one status vocabulary, frozen invoices numbered per month, payments
-- taken at the counter (idempotent by request key, reversible), and the balance ledger. Nothing wrote
-- the v1 invoice, payment and ledger tables, so they are made anew.

-- Customers -----------------------------------------------------------------------------------------

UPDATE customers SET status = 'closed' WHERE status = 'inactive';
ALTER TABLE customers DROP CONSTRAINT customers_status_check;
ALTER TABLE customers ADD CONSTRAINT customers_status_check
    CHECK (status IN ('active', 'suspended', 'closed'));
ALTER TABLE customers ADD COLUMN notes TEXT;

-- Search: words of the name by prefix, the WhatsApp number and the email by prefix.
CREATE INDEX customers_name_words_idx ON customers USING gin (to_tsvector('simple', name));
CREATE INDEX customers_whatsapp_prefix_idx ON customers (whatsapp text_pattern_ops);
CREATE INDEX customers_email_prefix_idx ON customers (email text_pattern_ops) WHERE email IS NOT NULL;

-- Invoices ------------------------------------------------------------------------------------------

DROP TABLE balance_ledger;
DROP TABLE payments;
DROP TABLE payment_urls;
DROP TABLE invoice_lines;
DROP TABLE invoices;

-- The last number given in each month of issue (`202612` → 41 gave INV-202612-00041). Taken with a
-- row lock in the issuing transaction, so numbers have no gaps and no duplicates.
CREATE TABLE invoice_numbers (
    month  TEXT PRIMARY KEY CHECK (month ~ '^[0-9]{6}$'),
    last   BIGINT NOT NULL CHECK (last > 0)
);

CREATE TABLE invoices (
    id                BIGSERIAL PRIMARY KEY,
    number            TEXT NOT NULL CHECK (number ~ '^INV-[0-9]{6}-[0-9]{5,}$'),
    customer_id       BIGINT NOT NULL REFERENCES customers (id) ON DELETE RESTRICT,
    subscription_id   BIGINT REFERENCES subscriptions (id) ON DELETE SET NULL,
    -- unpaid: payable; partial: paid in part, the rest moved to the balance as debt, closed;
    -- paid; void: cancelled, what it took from the balance given back.
    status            TEXT NOT NULL CHECK (status IN ('unpaid', 'partial', 'paid', 'void')),
    -- Frozen at issue: never re-read from the customer.
    customer_name     TEXT NOT NULL,
    customer_whatsapp TEXT NOT NULL,
    customer_address  TEXT,
    period_start      DATE,
    period_end        DATE,
    -- What is due: the sum of the lines that count (a tax included in prices does not count again).
    total             BIGINT NOT NULL CHECK (total >= 0),
    -- Paid by the live payment (at most one: the first payment settles the invoice).
    amount_paid       BIGINT NOT NULL DEFAULT 0 CHECK (amount_paid >= 0),
    -- The remainder a partial payment moved to the balance as debt.
    carried_to_balance BIGINT NOT NULL DEFAULT 0 CHECK (carried_to_balance >= 0),
    due_date          DATE NOT NULL,
    issued_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    issued_by         BIGINT REFERENCES staff_users (id) ON DELETE SET NULL,
    paid_at           TIMESTAMPTZ,
    voided_at         TIMESTAMPTZ,
    void_reason       TEXT,
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (period_end IS NULL OR period_start IS NULL OR period_end >= period_start),
    CHECK ((status = 'void') = (voided_at IS NOT NULL))
);
CREATE UNIQUE INDEX invoices_number_key ON invoices (number);
CREATE INDEX invoices_customer_idx ON invoices (customer_id, id DESC);
CREATE INDEX invoices_status_idx ON invoices (status, id DESC);
CREATE INDEX invoices_open_due_idx ON invoices (due_date) WHERE status = 'unpaid';

CREATE TABLE invoice_lines (
    id           BIGSERIAL PRIMARY KEY,
    invoice_id   BIGINT NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    -- charge: what the invoice itself charges; tax: PPN added to the charges; tax_included: the PPN
    -- contained in the charges (shown, not added); credit_applied: the customer's credit (negative);
    -- debt_carried: the customer's debt from earlier invoices.
    kind         TEXT NOT NULL
                 CHECK (kind IN ('charge', 'tax', 'tax_included', 'credit_applied', 'debt_carried')),
    description  TEXT NOT NULL CHECK (length(trim(description)) > 0),
    amount       BIGINT NOT NULL,
    CHECK ((kind = 'credit_applied') = (amount < 0) OR amount = 0),
    UNIQUE (invoice_id, position)
);

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
    invoice_id       BIGINT NOT NULL REFERENCES invoices (id) ON DELETE RESTRICT,
    customer_id      BIGINT NOT NULL REFERENCES customers (id) ON DELETE RESTRICT,
    -- cash and transfer at the counter; duitku online (a later issue).
    method           TEXT NOT NULL CHECK (method IN ('cash', 'transfer', 'duitku')),
    amount           BIGINT NOT NULL CHECK (amount > 0),
    -- The client's key for this payment: the same key again is the same payment.
    request_key      TEXT NOT NULL,
    note             TEXT,
    -- settled: counted; reversed: recorded in error and undone.
    status           TEXT NOT NULL DEFAULT 'settled' CHECK (status IN ('settled', 'reversed')),
    recorded_by      BIGINT REFERENCES staff_users (id) ON DELETE SET NULL,
    gateway_reference TEXT,
    gateway_payload  JSONB,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    reversed_at      TIMESTAMPTZ,
    reversed_by      BIGINT REFERENCES staff_users (id) ON DELETE SET NULL,
    reversal_reason  TEXT,
    CHECK ((status = 'reversed') = (reversed_at IS NOT NULL))
);
CREATE UNIQUE INDEX payments_request_key ON payments (request_key);
CREATE INDEX payments_invoice_idx ON payments (invoice_id);
CREATE INDEX payments_customer_idx ON payments (customer_id, id DESC);
-- One live payment per invoice: the first settles it.
CREATE UNIQUE INDEX payments_one_settled_per_invoice ON payments (invoice_id) WHERE status = 'settled';

-- The balance ledger: append-only; customers.balance is its running sum, updated in the same
-- transaction as each row, with the customer row locked.
CREATE TABLE balance_ledger (
    id             BIGSERIAL PRIMARY KEY,
    customer_id    BIGINT NOT NULL REFERENCES customers (id) ON DELETE RESTRICT,
    amount         BIGINT NOT NULL CHECK (amount <> 0),
    balance_after  BIGINT NOT NULL,
    -- shortfall: a partial payment's remainder becomes debt; excess: an overpayment becomes credit;
    -- credit_applied / debt_billed: the balance moved onto a new invoice; void_returned: a voided
    -- invoice gives that back; adjustment: by an admin, with a reason; reversal: a payment
    -- recorded in error undone; refund: credit paid out.
    kind           TEXT NOT NULL CHECK (kind IN ('shortfall', 'excess', 'credit_applied', 'debt_billed',
                                                 'void_returned', 'adjustment', 'reversal', 'refund')),
    invoice_id     BIGINT REFERENCES invoices (id) ON DELETE RESTRICT,
    payment_id     BIGINT REFERENCES payments (id) ON DELETE RESTRICT,
    note           TEXT,
    created_by     BIGINT REFERENCES staff_users (id) ON DELETE SET NULL,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX balance_ledger_customer_idx ON balance_ledger (customer_id, id);
