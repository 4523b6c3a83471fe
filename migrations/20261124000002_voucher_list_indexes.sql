-- The voucher list stays fast at 100,000 vouchers: newest first, filtered by plan, status or
-- batch, or searched by the start of a code.
CREATE INDEX vouchers_code_prefix_idx ON vouchers (code text_pattern_ops);
CREATE INDEX vouchers_plan_idx ON vouchers (plan_id, id DESC);
CREATE INDEX vouchers_status_id_idx ON vouchers (status, id DESC);
CREATE INDEX vouchers_batch_id_idx ON vouchers (batch_id, id DESC);
DROP INDEX vouchers_batch_idx;
