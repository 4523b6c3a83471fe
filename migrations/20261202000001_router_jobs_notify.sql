-- Wakes the router outbox workers of every replica when a job is queued: the notification is
-- delivered when the enqueuing transaction commits (and not at all if it rolls back).
CREATE FUNCTION router_jobs_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('router_jobs', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER router_jobs_notify
    AFTER INSERT ON router_jobs
    FOR EACH STATEMENT EXECUTE FUNCTION router_jobs_notify();
