-- Machine-to-machine applications in the embedded directory: clients (never their secrets),
-- their grants to an API, and which organizations each grant may be used with.
CREATE TABLE clients (
    client_id  TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    app_type   TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE client_grants (
    id                 TEXT PRIMARY KEY,
    client_id          TEXT NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
    audience           TEXT NOT NULL,
    scope              TEXT NOT NULL DEFAULT '[]',
    organization_usage TEXT NOT NULL DEFAULT 'require',
    UNIQUE (client_id, audience)
);

CREATE TABLE org_client_grants (
    org_id   TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    grant_id TEXT NOT NULL REFERENCES client_grants (id) ON DELETE CASCADE,
    PRIMARY KEY (org_id, grant_id)
);

-- An organization's quota of client-credentials tokens (Auth0's token_quota), as JSON.
CREATE TABLE org_token_quotas (
    org_id TEXT PRIMARY KEY REFERENCES orgs (id) ON DELETE CASCADE,
    quota  TEXT NOT NULL
);
