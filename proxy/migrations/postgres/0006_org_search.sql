-- Organizations found by any part of their name or display name (ILIKE '%…%') through
-- trigram indexes, as users already are.
CREATE INDEX orgs_name_trgm ON orgs USING gin (name gin_trgm_ops);
CREATE INDEX orgs_display_name_trgm ON orgs USING gin (display_name gin_trgm_ops);
