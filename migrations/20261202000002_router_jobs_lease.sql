-- Who holds a running job: each claim writes a fresh token, renewals and the job's outcome are
-- written only under it, so a worker whose lease ran out cannot overwrite the new holder's work.
ALTER TABLE router_jobs ADD COLUMN lease_token UUID;
