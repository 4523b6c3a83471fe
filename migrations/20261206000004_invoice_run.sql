-- The monthly invoice run: each subscription is billed once per period.

-- Where the subscription is billed to (the end, exclusive, of its last billed period); none: its
-- first period starts on its start date.
ALTER TABLE subscriptions ADD COLUMN billed_until DATE;
ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_billed_after_start
    CHECK (billed_until IS NULL OR billed_until > start_date);
-- The run reads the subscriptions whose next period starts soon: by that day.
CREATE INDEX subscriptions_next_period_idx ON subscriptions ((COALESCE(billed_until, start_date)), id)
    WHERE status IN ('active', 'isolated');

-- One invoice per subscription and period, whoever runs the run and however often.
CREATE UNIQUE INDEX invoices_subscription_period_key ON invoices (subscription_id, period_start)
    WHERE subscription_id IS NOT NULL AND period_start IS NOT NULL;

-- plan_credit: the unused part of a plan billed before a change of plan (negative).
ALTER TABLE invoice_lines DROP CONSTRAINT invoice_lines_kind_check;
ALTER TABLE invoice_lines ADD CONSTRAINT invoice_lines_kind_check
    CHECK (kind IN ('charge', 'tax', 'tax_included', 'credit_applied', 'debt_carried', 'plan_credit'));
ALTER TABLE invoice_lines DROP CONSTRAINT invoice_lines_check;
ALTER TABLE invoice_lines ADD CONSTRAINT invoice_lines_sign_check
    CHECK ((kind IN ('credit_applied', 'plan_credit')) = (amount < 0) OR amount = 0);

-- Lines a change of plan leaves for the subscription's next invoice: the old plan's unused part
-- (negative) and the new plan's charge for the same days.
CREATE TABLE subscription_adjustments (
    id               BIGSERIAL PRIMARY KEY,
    subscription_id  BIGINT NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('charge', 'plan_credit')),
    description      TEXT NOT NULL CHECK (length(trim(description)) > 0),
    amount           BIGINT NOT NULL,
    invoice_id       BIGINT REFERENCES invoices (id) ON DELETE SET NULL,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((kind = 'plan_credit') = (amount < 0) OR amount = 0)
);
CREATE INDEX subscription_adjustments_open_idx ON subscription_adjustments (subscription_id)
    WHERE invoice_id IS NULL;
