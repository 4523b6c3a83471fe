-- A router's API password is sealed with its row's identity (id, host, port) as AES-GCM
-- associated data: a ciphertext copied to another row, or a row pointed at another address in
-- the database, no longer decrypts. Rows sealed before this are re-sealed at start-up (the key
-- is not in the database); until then they open the old way.
ALTER TABLE routers ADD COLUMN password_bound BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE routers ALTER COLUMN password_bound SET DEFAULT TRUE;
