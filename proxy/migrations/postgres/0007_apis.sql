-- APIs (Auth0's resource servers) in the embedded directory: permissions are a JSON array of
-- {value, description}; system_api marks the directory's own, neither changed nor deleted.
CREATE TABLE apis (
    id                   TEXT PRIMARY KEY,
    name                 TEXT NOT NULL,
    identifier           TEXT NOT NULL UNIQUE,
    signing_alg          TEXT NOT NULL,
    token_lifetime       BIGINT NOT NULL,
    rbac                 BIGINT NOT NULL DEFAULT 1,
    permissions_in_token BIGINT NOT NULL DEFAULT 1,
    permissions          TEXT NOT NULL DEFAULT '[]',
    system_api           BIGINT NOT NULL DEFAULT 0,
    created_at           BIGINT NOT NULL
);
