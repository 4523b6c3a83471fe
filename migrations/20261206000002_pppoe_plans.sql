-- PPPoE plans: billed monthly, so no validity; their profile is a /ppp/profile on the router.
ALTER TABLE plans ALTER COLUMN validity_seconds DROP NOT NULL;
ALTER TABLE plans ADD CONSTRAINT plans_validity_by_kind
    CHECK ((kind = 'hotspot') = (validity_seconds IS NOT NULL));
ALTER TABLE plans ADD CONSTRAINT plans_hotspot_settings
    CHECK (kind = 'hotspot' OR (time_quota_seconds IS NULL AND data_quota_bytes IS NULL
                                AND hotspot_profile_id IS NULL));
