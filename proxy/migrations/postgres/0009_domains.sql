-- An organization's domains in the embedded directory (Auth0's organization discovery domains).
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
