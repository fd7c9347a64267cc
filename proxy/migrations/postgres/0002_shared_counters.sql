-- State that replicas share so that they behave as one orgdesk: rate-limit windows, counted
-- once across replicas, and when each session's role was last confirmed by the tenant.

CREATE TABLE rate_limits (
    key          TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    count        BIGINT NOT NULL
);
CREATE INDEX rate_limits_window ON rate_limits (window_start);

CREATE TABLE role_checks (
    session_hash TEXT PRIMARY KEY,
    checked_at   BIGINT NOT NULL
);
