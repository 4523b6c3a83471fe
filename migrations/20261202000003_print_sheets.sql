-- A printed sheet reserves its vouchers while it is open: the counter does not sell them. The
-- admin then confirms the print (the vouchers become printed, never sold at the counter) or
-- releases the sheet (the vouchers go back to stock).
CREATE TABLE print_sheets (
    id           BIGSERIAL PRIMARY KEY,
    batch_id     BIGINT REFERENCES voucher_batches (id) ON DELETE CASCADE,
    opened_by    BIGINT REFERENCES staff_users (id) ON DELETE SET NULL,
    opened_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    vouchers     INTEGER NOT NULL CHECK (vouchers > 0),
    printed_at   TIMESTAMPTZ,
    released_at  TIMESTAMPTZ,
    CHECK (printed_at IS NULL OR released_at IS NULL)
);
CREATE INDEX print_sheets_open_idx ON print_sheets (id) WHERE printed_at IS NULL AND released_at IS NULL;

-- The open sheet that holds the voucher, if any.
ALTER TABLE vouchers ADD COLUMN sheet_id BIGINT REFERENCES print_sheets (id) ON DELETE SET NULL;
CREATE INDEX vouchers_sheet_idx ON vouchers (sheet_id) WHERE sheet_id IS NOT NULL;

-- The sales screen's stock: unsold, never printed, on no open sheet.
DROP INDEX vouchers_stock_idx;
CREATE INDEX vouchers_stock_idx ON vouchers (plan_id, id)
    WHERE status = 'created' AND sold_at IS NULL AND printed_at IS NULL AND sheet_id IS NULL;
