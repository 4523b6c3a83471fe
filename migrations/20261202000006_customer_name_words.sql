-- The words of a customer's name, stored: a search rechecks the rows it finds against this column
-- instead of splitting every name again.
DROP INDEX customers_name_words_idx;
ALTER TABLE customers
    ADD COLUMN name_words TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple', name)) STORED;
CREATE INDEX customers_name_words_idx ON customers USING gin (name_words);
