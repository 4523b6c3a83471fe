-- The order of the plans on the sales screen: cashiers tap by position, so it changes only when
-- an admin moves a plan. Plans never moved (NULL) follow those moved, oldest first.
ALTER TABLE plans ADD COLUMN sales_position integer CHECK (sales_position > 0);
