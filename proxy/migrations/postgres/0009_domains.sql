-- Customer IT self-service. An organization's domains in the embedded directory (Auth0's organization discovery domains).
-- A domain belongs to one organization at most.
CREATE TABLE org_domains (
    id                TEXT PRIMARY KEY,
    org_id            TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    domain            TEXT NOT NULL UNIQUE,
    status            TEXT NOT NULL DEFAULT 'pending',
    txt_value         TEXT NOT NULL,
    use_for_discovery BOOLEAN NOT NULL DEFAULT TRUE,
    created_at        BIGINT NOT NULL
);
CREATE INDEX org_domains_org ON org_domains (org_id, created_at);

-- orgdesk's own record of its last look-up of each domain's TXT record (in both modes: Auth0
-- keeps only pending or verified).
CREATE TABLE domain_checks (
    org_id     TEXT NOT NULL,
    domain_id  TEXT NOT NULL,
    checked_at BIGINT NOT NULL,
    ok         BOOLEAN NOT NULL,
    message    TEXT,
    PRIMARY KEY (org_id, domain_id)
);

-- The single sign-on set-up links orgdesk made (in both modes): never the link itself, only a
-- hash of its secret, so that orgdesk's own set-up page (demo mode) can recognise it.
CREATE TABLE sso_tickets (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL,
    secret_hash   TEXT NOT NULL UNIQUE,
    created_by    TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    revoked_at    BIGINT,
    used_at       BIGINT,
    connection_id TEXT
);
CREATE INDEX sso_tickets_org ON sso_tickets (org_id, created_at);
