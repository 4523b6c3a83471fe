-- Money that adds up: what service each subscription was given, day by day, and which invoice
-- line billed each day, so that a change of plan, a suspension or a void credits exactly what
-- was billed for the days it undoes, and the run bills exactly the days used; what a customer
-- owes and since when, for isolation; an append-only ledger.

-- Service ---------------------------------------------------------------------------------------

-- From `starts` on, the subscription is served on `plan_id` (NULL: not billed: suspended or
-- closed) until its next row. `reconciled` is false until the invoice run has taken the change
-- into account: credited the days billed from `starts` on, and billed them again as they now are.
CREATE TABLE service_changes (
    id               BIGSERIAL PRIMARY KEY,
    subscription_id  BIGINT NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    starts           DATE NOT NULL,
    plan_id          BIGINT REFERENCES plans (id) ON DELETE RESTRICT,
    reconciled       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (subscription_id, starts)
);
CREATE INDEX service_changes_open_idx ON service_changes (subscription_id) WHERE NOT reconciled;

INSERT INTO service_changes (subscription_id, starts, plan_id, reconciled)
SELECT id, start_date, plan_id, TRUE FROM subscriptions;
-- Subscriptions suspended or closed before this: not billed from where their billing stopped.
INSERT INTO service_changes (subscription_id, starts, plan_id, reconciled)
SELECT id, COALESCE(billed_until, start_date), NULL, TRUE FROM subscriptions
WHERE status IN ('suspended', 'closed')
ON CONFLICT (subscription_id, starts) DO UPDATE SET plan_id = NULL;

-- Billed days ------------------------------------------------------------------------------------

CREATE EXTENSION IF NOT EXISTS btree_gist;

-- The days [starts, ends) of a subscription that an invoice line billed: `amount` for its `days`
-- (the line's own days, [starts, billed_ends)), under the invoice's tax rule. A day credited later
-- (a change of plan, a suspension) or given back (a void) is cut off the end (`ends` moves back),
-- so no day is ever billed twice: the database refuses overlapping days of one subscription.
CREATE TABLE billed_days (
    id                  BIGSERIAL PRIMARY KEY,
    subscription_id     BIGINT NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    invoice_id          BIGINT NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    plan_id             BIGINT REFERENCES plans (id) ON DELETE SET NULL,
    starts              DATE NOT NULL,
    ends                DATE NOT NULL,
    billed_ends         DATE NOT NULL,
    amount              BIGINT NOT NULL CHECK (amount >= 0),
    days                INTEGER NOT NULL CHECK (days > 0),
    tax_basis_points    INTEGER NOT NULL CHECK (tax_basis_points BETWEEN 0 AND 10000),
    prices_include_tax  BOOLEAN NOT NULL,
    CHECK (starts <= ends AND ends <= billed_ends AND billed_ends - starts = days),
    EXCLUDE USING gist (subscription_id WITH =, daterange(starts, ends) WITH &&)
);
CREATE INDEX billed_days_subscription_idx ON billed_days (subscription_id, ends);
CREATE INDEX billed_days_invoice_idx ON billed_days (invoice_id);

-- The period lines of the invoices issued so far (the first line of a run's invoice), with the
-- tax rule read back from their tax line.
INSERT INTO billed_days (subscription_id, invoice_id, plan_id, starts, ends, billed_ends, amount,
                         days, tax_basis_points, prices_include_tax)
SELECT i.subscription_id, i.id, NULL, i.period_start, i.period_end + 1, i.period_end + 1,
       l.amount, i.period_end + 1 - i.period_start,
       COALESCE((SELECT CASE WHEN base.sum > 0 THEN round(t.amount * 10000.0 / base.sum)::INT ELSE 0 END
                 FROM invoice_lines t,
                      LATERAL (SELECT sum(amount) AS sum FROM invoice_lines b
                               WHERE b.invoice_id = i.id AND b.kind IN ('charge', 'plan_credit')) base
                 WHERE t.invoice_id = i.id AND t.kind IN ('tax', 'tax_included') LIMIT 1), 0),
       EXISTS (SELECT 1 FROM invoice_lines t WHERE t.invoice_id = i.id AND t.kind = 'tax_included')
FROM invoices i
JOIN invoice_lines l ON l.invoice_id = i.id AND l.position = 1 AND l.kind = 'charge'
WHERE i.subscription_id IS NOT NULL AND i.period_start IS NOT NULL AND i.period_end IS NOT NULL
  AND i.status <> 'void';

-- The billed days say which days are billed: a voided invoice's period may be billed again.
DROP INDEX invoices_subscription_period_key;

-- Balance ---------------------------------------------------------------------------------------

-- plan_credit: days billed and not used (a change of plan, a suspension, a close), tax as billed;
-- payment: a payment toward the balance (debt paid, or credit bought by an admin).
ALTER TABLE balance_ledger DROP CONSTRAINT balance_ledger_kind_check;
ALTER TABLE balance_ledger ADD CONSTRAINT balance_ledger_kind_check
    CHECK (kind IN ('shortfall', 'excess', 'credit_applied', 'debt_billed', 'void_returned',
                    'adjustment', 'reversal', 'refund', 'plan_credit', 'payment'));

-- The plan-change lines still waiting for a next invoice go to the balance now (their days are
-- credited and billed again by the run from now on).
WITH open AS (
    SELECT s.customer_id, -sum(a.amount) AS amount
    FROM subscription_adjustments a JOIN subscriptions s ON s.id = a.subscription_id
    WHERE a.invoice_id IS NULL
    GROUP BY s.customer_id
    HAVING sum(a.amount) <> 0
), moved AS (
    UPDATE customers c SET balance = c.balance + open.amount
    FROM open WHERE c.id = open.customer_id
    RETURNING c.id, open.amount, c.balance
)
INSERT INTO balance_ledger (customer_id, amount, balance_after, kind, note)
SELECT id, amount, balance, 'plan_credit', 'Ganti paket (penyesuaian yang belum ditagih)' FROM moved;
DROP TABLE subscription_adjustments;

-- What is owed, and since when: an invoice is owed from its due date, or from the due date of the
-- debt it carries; a customer's debt (a negative balance) from the due date of the invoice it came
-- from. Isolation reads these.
ALTER TABLE invoices ADD COLUMN owed_since DATE;
UPDATE invoices SET owed_since = due_date;
ALTER TABLE invoices ALTER COLUMN owed_since SET NOT NULL;
CREATE INDEX invoices_unpaid_owed_idx ON invoices (customer_id, owed_since) WHERE status = 'unpaid';

ALTER TABLE customers ADD COLUMN debt_since DATE;
UPDATE customers c SET debt_since = COALESCE(
    (SELECT i.owed_since FROM invoices i WHERE i.customer_id = c.id AND i.status = 'partial'
     ORDER BY i.id DESC LIMIT 1), CURRENT_DATE)
WHERE c.balance < 0;
ALTER TABLE customers ADD CONSTRAINT customers_debt_since_check
    CHECK ((balance < 0) = (debt_since IS NOT NULL));

-- The ledger is append-only: a row, once written, is history.
CREATE FUNCTION balance_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'balance_ledger is append-only: % refused', TG_OP
        USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER balance_ledger_append_only BEFORE UPDATE OR DELETE ON balance_ledger
    FOR EACH ROW EXECUTE FUNCTION balance_ledger_append_only();

-- Printed sheets ---------------------------------------------------------------------------------

-- The vouchers a sheet held, so that a printed sheet can be printed again (a jammed printer) as
-- an explicit, audited action, while a new sheet only ever takes vouchers never printed.
ALTER TABLE print_sheets ADD COLUMN voucher_ids BIGINT[];

-- Payments ----------------------------------------------------------------------------------------

-- A transfer's reference (the bank's), to match the payment with the bank statement: required for
-- new transfers at the counter (checked by the application; older rows have none).
ALTER TABLE payments ADD COLUMN reference TEXT CHECK (reference IS NULL OR length(trim(reference)) BETWEEN 1 AND 100);
-- A payment toward the balance (a customer's debt, paid at the counter) belongs to no invoice.
ALTER TABLE payments ALTER COLUMN invoice_id DROP NOT NULL;

-- The daily check that every customer's balance is the sum of their ledger rows: its outcomes,
-- the latest of which the health report reads (a mismatch makes it degraded).
CREATE TABLE ledger_checks (
    id          BIGSERIAL PRIMARY KEY,
    checked_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    customers   BIGINT NOT NULL,
    mismatches  BIGINT NOT NULL,
    details     JSONB NOT NULL DEFAULT '[]'::jsonb
);
