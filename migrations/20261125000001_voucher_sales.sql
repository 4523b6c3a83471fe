-- Selling vouchers: where a router's hotspot login page is (for the QR code on printed vouchers
-- and receipts), which vouchers have been printed (the sales screen never sells those: someone may
-- hold the paper), and one row per sale with its cashier, time and price.

ALTER TABLE routers ADD COLUMN hotspot_login_url TEXT
    CHECK (hotspot_login_url ~ '^https?://[^[:space:]]+$');

ALTER TABLE vouchers ADD COLUMN printed_at TIMESTAMPTZ;

CREATE TABLE voucher_sales (
    id                 BIGSERIAL PRIMARY KEY,
    voucher_id         BIGINT NOT NULL REFERENCES vouchers (id) ON DELETE RESTRICT,
    router_id          BIGINT NOT NULL REFERENCES routers (id) ON DELETE RESTRICT,
    plan_id            BIGINT NOT NULL REFERENCES plans (id) ON DELETE RESTRICT,
    cashier_id         BIGINT NOT NULL REFERENCES staff_users (id) ON DELETE RESTRICT,
    price              BIGINT NOT NULL CHECK (price >= 0),
    -- For a later WhatsApp message to the buyer; normalised 62… like customers.whatsapp.
    customer_whatsapp  TEXT CHECK (customer_whatsapp ~ '^628[0-9]{8,11}$'),
    -- Chosen by the sales screen for each tap: a repeated request (double tap, retry after a lost
    -- reply) finds the sale it already made instead of selling again.
    request_key        UUID NOT NULL,
    sold_at            TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX voucher_sales_voucher_key ON voucher_sales (voucher_id);
CREATE UNIQUE INDEX voucher_sales_request_key ON voucher_sales (cashier_id, request_key);
CREATE INDEX voucher_sales_sold_at_idx ON voucher_sales (sold_at);

-- The sales screen takes the oldest unsold, unprinted voucher of a plan.
CREATE INDEX vouchers_stock_idx ON vouchers (plan_id, id)
    WHERE status = 'created' AND sold_at IS NULL AND printed_at IS NULL;
