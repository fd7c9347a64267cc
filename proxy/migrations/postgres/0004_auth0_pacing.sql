-- Auth0's rate-limit budget is the tenant's, not a replica's: what any replica last read from
-- x-ratelimit-*, and the next free slot when calls must be spread, shared by all replicas.
CREATE TABLE auth0_budget (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    rate_limit   BIGINT,
    remaining    BIGINT,
    reset        BIGINT,
    next_slot_ms BIGINT NOT NULL DEFAULT 0
);
INSERT INTO auth0_budget (id) VALUES (1);
