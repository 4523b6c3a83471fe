-- A customer's portal lists the vouchers sold to their WhatsApp number, newest first.
CREATE INDEX voucher_sales_buyer_idx ON voucher_sales (customer_whatsapp, sold_at DESC)
    WHERE customer_whatsapp IS NOT NULL;
